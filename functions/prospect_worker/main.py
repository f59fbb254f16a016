"""The prospect worker, every 5 minutes (EventBridge, or Cloud Scheduler's CloudEvent): crawls the
queued prospects' sites politely. `avenir prospects worker --once` runs the same once."""
from shared.platform import http
from shared.prospects import worker

BUDGET_S = 240  # no new crawl starts after this: a crawl (8 pages at the delay) ends inside the 5 minutes


def run(req: http.Request) -> http.Response:
    """Crawl what is queued (the schedule's call)."""
    return http.ok(worker.run_once(budget_s=BUDGET_S))


ROUTES = http.Routes(http.Route(*http.SCHEDULE, run, auth=http.SCHEDULER))


def prospect_worker(request):  # functions-framework HTTP target: it answers no HTTP route (404 / 405)
    return http.serve_flask(request, ROUTES)


def prospect_worker_scheduled(cloud_event):  # functions-framework CloudEvent target (Cloud Scheduler)
    http.serve_cloud_event(cloud_event, ROUTES, "prospect worker")


def handler(event, context):  # AWS Lambda: the EventBridge schedule (no retry: the next run finds what is left)
    return http.serve_scheduled_lambda(event, ROUTES, "prospect worker")
