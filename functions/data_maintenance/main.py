"""The nightly data maintenance (EventBridge, or Cloud Scheduler's CloudEvent), after the daily
intelligence: stale leads archived the reference's way, expired keys, sessions and failed sign-ins
purged. `avenir maintenance run` runs the same."""
from shared.platform import http
from shared.privacy import maintenance


def run(req: http.Request) -> http.Response:
    """Run the maintenance as of the scheduler's event time (the clock's, when it carries none)."""
    summary = maintenance.run(maintenance.event_time(req.scheduled_event.get("time")))
    return http.ok(summary.model_dump(mode="json"))


ROUTES = http.Routes(http.Route(*http.SCHEDULE, run))


def data_maintenance(request):  # functions-framework HTTP target: it answers no HTTP route (404 / 405)
    return http.serve_flask(request, ROUTES)


def data_maintenance_scheduled(cloud_event):  # functions-framework CloudEvent target (Cloud Scheduler)
    event = {"id": cloud_event["id"], "source": cloud_event["source"], "time": cloud_event.get("time")}
    request = http.Request(method=http.SCHEDULE[0], path=http.SCHEDULE[1], headers={}, scheduled_event=event,
                           request_id=str(cloud_event["id"]))
    _raise_when_failed(http.serve(request, ROUTES).status)


def handler(event, context):  # AWS Lambda: the EventBridge schedule
    result = http.serve_lambda(event, ROUTES)
    _raise_when_failed(result["statusCode"])
    return result


def _raise_when_failed(status: int) -> None:
    """A run that could not work (the database unavailable) shows as the function's error, so the
    scheduler retries it: a rerun is safe (it finds only what is left to do)."""
    if status >= 500:
        raise RuntimeError(f"data maintenance run failed with status {status}; see the log")
