"""Daily intelligence: the nightly growth insight run (EventBridge or Cloud Scheduler), and the
same run on demand with POST /api/intelligence/run (internal client only)."""
from shared.clients import credentials
from shared.growth import intelligence
from shared.platform import http


def run(req: http.Request) -> http.Response:
    """Run the daily intelligence now

    Internal client only. Without a body: today (UTC), every non-test client. Running again for a
    date replaces that date's rows; a date after today has not ended yet (409)."""
    body = req.parse(intelligence.RunRequest, data={} if not req.read_body().strip() else None)
    summary = intelligence.run_daily(body.date or intelligence.today(), body.client_id)
    return http.ok(summary.model_dump(mode="json"))


def scheduled(req: http.Request) -> http.Response:
    """06:00 UTC: analyse the day that just ended (see intelligence.scheduled_run_date)."""
    summary = intelligence.run_daily(intelligence.scheduled_run_date(req.scheduled_event.get("time")))
    return http.ok(summary.model_dump(mode="json"))


ROUTES = http.Routes(
    http.Route("POST", "/api/intelligence/run", run, auth=credentials.internal,
               request=intelligence.RunRequest, body_required=False,
               responses={200: (intelligence.RunSummary, "What was written; failed clients are listed.")},
               errors=(400, 404, 409, 413, 415, 422, 503)),
    http.Route(*http.SCHEDULE, scheduled, auth=http.SCHEDULER),
)


def daily_intelligence(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def daily_intelligence_scheduled(cloud_event):  # functions-framework CloudEvent target (Cloud Scheduler)
    http.serve_cloud_event(cloud_event, ROUTES, "daily intelligence")


def handler(event, context):  # AWS Lambda: API Gateway HTTP API v2, or the EventBridge schedule
    return http.serve_scheduled_lambda(event, ROUTES, "daily intelligence")
