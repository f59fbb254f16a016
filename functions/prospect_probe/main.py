"""The prospect probe's routes: the admin imports businesses, has the crawler find each one's contact
form and published email, probes a form once and reads what was measured; a probed business can ask
(at /p/{token}, no key) never to be probed or contacted again."""
from shared.clients import credentials
from shared.mail import unsubscribe as pages
from shared.platform import http
from shared.prospects import discovery, importing, probe


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


def request_probe(req: http.Request) -> http.Response:
    """Probe a prospect's contact form once

    Internal client only. 202 `{"probe_id"}`: the worker posts the static form once (a captcha or
    JavaScript-only form is never submitted: the probe is `skipped`); with `dry_run`, 200 with exactly
    what would be posted. 409 when the prospect opted out, has no form, or was probed in the last 90
    days; 429 past AVENIR_PROBE_DAILY_CAP today."""
    request = req.parse(probe.ProbeRequest, req.json() if req.read_body() else {})
    answer = probe.request_probe(req.client.client_id, req.path_params["prospect_id"], request)
    return http.ok(answer.model_dump(mode="json"), status=200 if request.dry_run else 202)


def prospect_detail(req: http.Request) -> http.Response:
    """A prospect with its crawl evidence and probe history

    Internal client only."""
    return http.ok(probe.prospect_detail(req.path_params["prospect_id"]).model_dump(mode="json"))


def opt_out_page(req: http.Request) -> http.Response:
    """Opt-out page of a probe (the link in its message and in outreach)

    No key. A page with one button; a 404 page for an unknown link."""
    found = probe.find_token(req.path_params["token"])
    if found is None:
        return pages.unknown_page().response()
    section = "probe_done" if found["opted_out_at"] else "probe_confirm"
    return pages.Page(200, pages.page(found["language"], section, found["business_name"])).response()


def opt_out(req: http.Request) -> http.Response:
    """Never probe or contact this business again

    No key. Any POST to a valid link; repeating it changes nothing."""
    req.read_body()
    found = probe.opt_out(req.path_params["token"])
    if found is None:
        return pages.unknown_page().response()
    return pages.Page(200, pages.page(found["language"], "probe_done", found["business_name"])).response()


ROUTES = http.Routes(
    http.Route("POST", "/api/prospects/import", import_prospects, auth=credentials.internal,
               request=importing.ImportRequest,
               responses={200: (importing.ImportResult, "How many were created and updated; each rejected row.")},
               errors=(400, 413, 415, 422, 503)),
    http.Route("POST", "/api/prospects/discover", discover, auth=credentials.internal,
               request=discovery.DiscoverRequest, body_required=False,
               responses={202: (discovery.Queued, "How many prospects were queued for the crawler.")},
               errors=(400, 413, 415, 422, 503)),
    http.Route("POST", "/api/prospects/{prospect_id}/probe", request_probe, auth=credentials.internal,
               request=probe.ProbeRequest, body_required=False,
               responses={202: (probe.ProbeQueued, "The probe, queued (or skipped: its form is never submitted)."),
                          200: (probe.ProbePreview, "dry_run: exactly what would be posted; nothing written.")},
               errors=(400, 404, 409, 413, 415, 422, 429, 503)),
    http.Route("GET", "/api/prospects/{prospect_id}", prospect_detail, auth=credentials.internal,
               responses={200: (probe.ProspectDetail, "The prospect, its crawl evidence and its probes.")},
               errors=(404, 503)),
    http.Route("GET", "/p/{token}", opt_out_page, auth=credentials.public, content_type="text/html",
               responses={200: (None, "The page with its button."), 404: (None, "Unknown link.")},
               errors=(503,)),
    http.Route("POST", "/p/{token}", opt_out, auth=credentials.public, content_type="text/html", body_required=False,
               responses={200: (None, "Done: never probed nor contacted again."), 404: (None, "Unknown link.")},
               errors=(413, 503)),
)


def prospect_probe(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
