"""POST /api/prospects/score and GET /api/prospects: the admin scores a batch of tested
businesses, then lists those that most need automation."""
from shared.clients import credentials
from shared.platform import http
from shared.prospects import scoring


def score(req: http.Request) -> http.Response:
    """Score a batch of tested businesses

    Internal client only. Up to 1000 prospects; a stored prospect (same website host, else same
    contact email) is updated in place."""
    body = req.json(max_bytes=scoring.MAX_BATCH_BYTES)
    scoring.check_batch_size(body)
    batch = req.parse(scoring.ScoreRequest, body)
    return http.ok(scoring.score_batch(batch.prospects).model_dump(mode="json"))


def list_prospects(req: http.Request) -> http.Response:
    """List the prospects that most need automation

    Internal client only."""
    query = req.parse(scoring.ProspectQuery, req.query)
    return http.ok(scoring.list_prospects(query).model_dump(mode="json"))


ROUTES = http.Routes(
    http.Route("POST", "/api/prospects/score", score, auth=credentials.internal, request=scoring.ScoreRequest,
               responses={200: (scoring.ScoreResponse, "One result per prospect, in request order.")},
               errors=(400, 413, 415, 422, 503)),
    http.Route("GET", "/api/prospects", list_prospects, auth=credentials.internal, query=scoring.ProspectQuery,
               responses={200: (scoring.ProspectList, "Ordered by automation_need_score, highest first.")},
               errors=(422, 503)),
)


def prospect_scoring(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
