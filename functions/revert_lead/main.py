"""POST /api/leads/{lead_id}/revert: undo a conversion, with the reason, back to Active."""
from shared.clients import credentials
from shared.leads import tagging
from shared.platform import http


def revert(req: http.Request) -> http.Response:
    """Undo a lead's conversion

    Only a Converted lead can be reverted (else 409); it becomes Active, with the reason logged."""
    client = req.client
    body = req.parse(tagging.RevertRequest)
    result = tagging.revert_lead(client, req.path_params["lead_id"], body.reason)
    return http.ok(result.model_dump(mode="json"))


ROUTES = http.Routes(
    http.Route("POST", "/api/leads/{lead_id}/revert", revert, auth=credentials.client, request=tagging.RevertRequest,
               responses={200: (tagging.RevertResponse, "The lead is Active again.")},
               errors=(400, 404, 409, 413, 415, 422, 503)),
)


def revert_lead(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
