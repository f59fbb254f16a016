"""The probe inbox in AWS: SES receives mail for the probe domain, its receipt rule stores each message
in S3 and then invokes this function with the message's receipt; the message is read from S3 and
handed to the same ingest as `avenir probe-inbox` (shared/prospects/inbox.py). No HTTP route."""
from shared.platform import http
from shared.prospects import inbox

ROUTES = http.Routes()


def handler(event, context, s3_client=None):  # AWS Lambda: the SES receipt rule's Lambda action
    return inbox.receive_ses(event, s3_client)


def probe_inbox(request):  # functions-framework HTTP target: it answers no HTTP route (404 / 405)
    return http.serve_flask(request, ROUTES)
