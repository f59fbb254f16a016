"""POST /api/leads/{lead_id}/revert: undo a conversion, with the reason, back to Active."""
from shared import http, tagging


def revert(req: http.Request) -> http.Response:
    client = http.authenticate(req)
    body = req.parse(tagging.RevertRequest)
    result = tagging.revert_lead(client, req.path_params["lead_id"], body.reason)
    return http.ok(result.model_dump(mode="json"))


ROUTES = http.Routes({("POST", "/api/leads/{lead_id}/revert"): revert})


def revert_lead(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
