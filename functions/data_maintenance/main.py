"""The nightly data maintenance (EventBridge, or Cloud Scheduler's CloudEvent), after the daily
intelligence: stale leads archived the reference's way, expired keys, sessions and failed sign-ins
purged. `avenir maintenance run` runs the same."""
from shared.platform import http
from shared.privacy import maintenance


def run(req: http.Request) -> http.Response:
    """Run the maintenance as of the scheduler's event time (the clock's, when it carries none)."""
    summary = maintenance.run(maintenance.event_time(req.scheduled_event.get("time")))
    return http.ok(summary.model_dump(mode="json"))


ROUTES = http.Routes(http.Route(*http.SCHEDULE, run, auth=http.SCHEDULER))


def data_maintenance(request):  # functions-framework HTTP target: it answers no HTTP route (404 / 405)
    return http.serve_flask(request, ROUTES)


def data_maintenance_scheduled(cloud_event):  # functions-framework CloudEvent target (Cloud Scheduler)
    http.serve_cloud_event(cloud_event, ROUTES, "data maintenance")


def handler(event, context):  # AWS Lambda: the EventBridge schedule (a retry is safe: it finds what is left)
    return http.serve_scheduled_lambda(event, ROUTES, "data maintenance")
