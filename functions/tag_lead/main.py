"""POST /api/leads/{lead_id}/tag: move a lead to another stage of its life, logged."""
from shared.clients import credentials
from shared.leads import tagging
from shared.platform import http


def tag(req: http.Request) -> http.Response:
    """Move a lead to another stage

    A Converted lead leaves Converted only through revert (any other tag is a 409); a Deleted lead
    whose email now belongs to another live lead cannot come back (409 naming that lead)."""
    client = req.client
    body = req.parse(tagging.TagRequest)
    result = tagging.tag_lead(client, req.path_params["lead_id"], body.tag, body.conversion_value)
    return http.ok(result.model_dump(mode="json"))


ROUTES = http.Routes(
    http.Route("POST", "/api/leads/{lead_id}/tag", tag, auth=credentials.client, request=tagging.TagRequest,
               responses={200: (tagging.TagResponse, "The lead's tag; `changed` is false when it already had it.")},
               errors=(400, 404, 409, 413, 415, 422, 503)),
)


def tag_lead(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
