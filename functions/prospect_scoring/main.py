"""POST /api/prospects/score and GET /api/prospects: the admin scores a batch of tested
businesses, then lists those that most need automation."""
from shared import http, prospects


def score(req: http.Request) -> http.Response:
    http.authenticate_internal(req)
    body = req.json(max_bytes=prospects.MAX_BATCH_BYTES)
    prospects.check_batch_size(body)
    batch = req.parse(prospects.ScoreRequest, body)
    return http.ok(prospects.score_batch(batch.prospects).model_dump(mode="json"))


def list_prospects(req: http.Request) -> http.Response:
    http.authenticate_internal(req)
    query = req.parse(prospects.ProspectQuery, req.query)
    return http.ok(prospects.list_prospects(query).model_dump(mode="json"))


ROUTES = http.Routes({
    ("POST", "/api/prospects/score"): score,
    ("GET", "/api/prospects"): list_prospects,
})


def prospect_scoring(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
