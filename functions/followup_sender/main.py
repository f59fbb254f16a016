"""The follow-up sender, every minute (EventBridge, or Cloud Scheduler's CloudEvent) and whenever an
intake wakes it through its SQS queue (shared/mail/wake.py): sends the replies that are due, through
each client's SMTP server or the platform's sender, and records each outcome. `avenir followups
send` runs the same once."""
from shared.mail import sender
from shared.platform import http

BUDGET_S = 20  # no new batch is claimed after this: the run ends inside its 29 s timeout (template.yaml)


def run(req: http.Request) -> http.Response:
    """Send the due follow-up replies now (the schedule's call)."""
    return http.ok(sender.send_due(budget_s=BUDGET_S).as_dict())


ROUTES = http.Routes(http.Route(*http.SCHEDULE, run, auth=http.SCHEDULER))


def followup_sender(request):  # functions-framework HTTP target: it answers no HTTP route (404 / 405)
    return http.serve_flask(request, ROUTES)


def followup_sender_scheduled(cloud_event):  # functions-framework CloudEvent target (Cloud Scheduler)
    http.serve_cloud_event(cloud_event, ROUTES, "follow-up sender")


def handler(event, context):  # AWS Lambda: the EventBridge schedule (no retry: the next minute's run is one),
    # or a wake-up from the queue (a failed run leaves the message for another try)
    return http.serve_scheduled_lambda(event, ROUTES, "follow-up sender")
