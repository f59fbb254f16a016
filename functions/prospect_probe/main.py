"""POST /api/prospects/import and POST /api/prospects/discover: the admin brings a list of
businesses, then has the crawler find each one's contact form and published email."""
from shared.clients import credentials
from shared.platform import http
from shared.prospects import discovery, importing


def import_prospects(req: http.Request) -> http.Response:
    """Import businesses to crawl

    Internal client only. `text/csv` with a header row (business_name, website, contact_email,
    industry, region, language), or JSON `{"prospects": [...]}`; at most 5,000 rows and 1 MiB. A
    stored prospect (same website host, else same contact email) is updated, not duplicated; each bad
    row is listed in `rejected` by its 1-based number (the header not counted) and the rest stored."""
    if req.headers.get("content-type", "").split(";")[0].strip().lower() == "text/csv":
        rows = importing.rows_from_csv(req.read_body(importing.MAX_BYTES))
    else:
        rows = importing.rows_from_json(req.json(max_bytes=importing.MAX_BYTES))
    return http.ok(importing.import_rows(rows).model_dump(mode="json"))


def discover(req: http.Request) -> http.Response:
    """Queue prospects for the crawler

    Internal client only. The named prospects, or the `limit` oldest never crawled, are queued; the
    prospect worker (every 5 minutes) crawls them. A prospect that opted out is never queued."""
    request = req.parse(discovery.DiscoverRequest, req.json() if req.read_body() else {})
    return http.ok(discovery.queue(request).model_dump(mode="json"), status=202)


ROUTES = http.Routes(
    http.Route("POST", "/api/prospects/import", import_prospects, auth=credentials.internal,
               request=importing.ImportRequest,
               responses={200: (importing.ImportResult, "How many were created and updated; each rejected row.")},
               errors=(400, 413, 415, 422, 503)),
    http.Route("POST", "/api/prospects/discover", discover, auth=credentials.internal,
               request=discovery.DiscoverRequest, body_required=False,
               responses={202: (discovery.Queued, "How many prospects were queued for the crawler.")},
               errors=(400, 413, 415, 422, 503)),
)


def prospect_probe(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
