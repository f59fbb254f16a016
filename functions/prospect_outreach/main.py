"""POST /api/prospects/outreach, GET /api/outreach and POST /api/outreach/{outreach_id}/replied: the
admin writes to the neediest prospects, follows what became of each email, and records an answer."""
from shared.clients import credentials
from shared.platform import http
from shared.prospects import outreach


def send_batch(req: http.Request) -> http.Response:
    """Write to the next prospects

    Internal client only. One email each to the neediest uncontacted prospects with a contact email
    that never unsubscribed, queued on the replies' outbox; at most AVENIR_OUTREACH_DAILY_CAP a day.
    `dry_run` writes nothing and answers what would be sent. 409 while the internal client has no
    mailing address."""
    client = req.client
    request = req.parse(outreach.OutreachRequest)
    return http.ok(outreach.send_batch(client.client_id, request).model_dump(mode="json"))


def list_outreach(req: http.Request) -> http.Response:
    """List the outreach emails and their funnel

    Internal client only."""
    query = req.parse(outreach.OutreachQuery, req.query)
    return http.ok(outreach.list_outreach(query).model_dump(mode="json"))


def replied(req: http.Request) -> http.Response:
    """Record that a prospect answered

    Internal client only. The email's status becomes `replied` (from sent, opened or ignored);
    repeating it changes nothing. 409 for an email not sent yet."""
    req.read_body()  # no body is needed; one over the limit is still a 413
    return http.ok(outreach.mark_replied(req.path_params["outreach_id"]).model_dump(mode="json"))


ROUTES = http.Routes(
    http.Route("POST", "/api/prospects/outreach", send_batch, auth=credentials.internal,
               request=outreach.OutreachRequest,
               responses={200: (outreach.OutreachBatch, "The emails queued (or, in a dry run, that would be).")},
               errors=(400, 409, 413, 415, 422, 503)),
    http.Route("GET", "/api/outreach", list_outreach, auth=credentials.internal, query=outreach.OutreachQuery,
               responses={200: (outreach.OutreachList, "The emails, newest first, and the funnel.")},
               errors=(422, 503)),
    http.Route("POST", "/api/outreach/{outreach_id}/replied", replied, auth=credentials.internal, body_required=False,
               responses={200: (outreach.OutreachRow, "The email, now replied.")},
               errors=(404, 409, 413, 422, 503)),
)


def prospect_outreach(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
