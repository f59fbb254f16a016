"""POST /api/leads/{lead_id}/tag: move a lead to another stage of its life, logged."""
from shared import http, tagging


def tag(req: http.Request) -> http.Response:
    client = http.authenticate(req)
    body = req.parse(tagging.TagRequest)
    result = tagging.tag_lead(client, req.path_params["lead_id"], body.tag, body.conversion_value)
    return http.ok(result.model_dump(mode="json"))


ROUTES = http.Routes({("POST", "/api/leads/{lead_id}/tag"): tag})


def tag_lead(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
