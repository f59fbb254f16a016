"""POST /api/privacy/erase and GET /api/privacy/export: a person's right to be forgotten and right
of access (Québec's Law 25, PIPEDA, GDPR), answered by the client for one email."""
from shared.clients import credentials
from shared.platform import http
from shared.privacy import erasure, export


def erase(req: http.Request) -> http.Response:
    """Erase everything about one email

    Every lead with this email (any letter case, any tag) and its messages, actions and replies are
    deleted, and the stored responses about them; growth events that named a lead keep their figures
    but lose its id and name. One receipt keeps a digest of the email, the counts and the time. The
    same email may send a new lead afterwards: it starts afresh."""
    client = req.client
    body = req.parse(erasure.EmailRequest)
    return http.ok(erasure.erase(client, body.email).model_dump(mode="json"))


def export_data(req: http.Request) -> http.Response:
    """Export everything about one email

    Every lead with this email (any letter case, any tag), oldest first, each as GET
    /api/leads/{lead_id} shows it; none is an empty list."""
    client = req.client
    query = req.parse(export.ExportQuery, req.query)
    return http.ok(export.export(client, query.email).model_dump(mode="json"))


ROUTES = http.Routes(
    http.Route("POST", "/api/privacy/erase", erase, auth=credentials.client, request=erasure.EmailRequest,
               responses={200: (erasure.ErasureReceipt, "What was erased (counts).")},
               errors=(400, 413, 415, 422, 503)),
    http.Route("GET", "/api/privacy/export", export_data, auth=credentials.client, query=export.ExportQuery,
               responses={200: (export.Export, "Every lead with this email, as the lead detail shows it.")},
               errors=(422, 503)),
)


def privacy(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
