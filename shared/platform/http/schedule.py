"""Scheduled runs: the route a schedule's event takes, a scheduler's CloudEvent (functions-framework,
Cloud Scheduler) served as that route, and a failed run raised so that the scheduler sees it."""
from dataclasses import dataclass

from shared.platform.exceptions import NotFound
from shared.platform.http.request import Request, request_id
from shared.platform.http.routing import Routes, serve

SCHEDULE = ("SCHEDULE", "/schedule")  # the route a scheduled event (EventBridge, CloudEvent) takes


@dataclass(frozen=True)
class Scheduler:
    """The schedule's route: answered only for a scheduled event (EventBridge, a CloudEvent), which a
    runtime builds from its trigger; never for an HTTP request, whatever its method and path."""

    errors: tuple[int, ...] = ()
    schemes: tuple[str, ...] = ()

    def __call__(self, request: Request) -> None:
        if request.scheduled_event is None:
            raise NotFound(f"No route for {request.method} {request.path}.")


SCHEDULER = Scheduler()


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
