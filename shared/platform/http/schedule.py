"""Scheduled runs: the route a schedule's event takes, a scheduler's CloudEvent (functions-framework,
Cloud Scheduler) served as that route, and a failed run raised so that the scheduler sees it."""
from shared.platform.http.request import Request, request_id
from shared.platform.http.routing import SCHEDULE, Routes, serve


def serve_cloud_event(cloud_event, routes: Routes, job: str) -> None:
    """A scheduler's CloudEvent (functions-framework's cloudevent target, Cloud Scheduler) served as
    the schedule route; a failed run raises (see raise_when_failed)."""
    event = {"id": cloud_event["id"], "source": cloud_event["source"], "time": cloud_event.get("time")}
    request = Request(method=SCHEDULE[0], path=SCHEDULE[1], headers={}, scheduled_event=event,
                      request_id=request_id(str(cloud_event["id"])))
    raise_when_failed(serve(request, routes).status, job)


def raise_when_failed(status: int, job: str) -> None:
    """A scheduler sees a failed run (the database unavailable, ...) only as an exception: the
    function's error in its metrics, and the retry its schedule allows (template.yaml). A run that
    merely lists what failed inside it has logged that and is not an error."""
    if status >= 500:
        raise RuntimeError(f"{job} run failed with status {status}; see the log")
