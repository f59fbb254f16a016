"""POST /api/mail/events: Amazon SES bounces and complaints, delivered by Amazon SNS. No key: the
SNS signature is the credential (shared/mail/sns.py). A permanent bounce stops every client's mail to
the address; a complaint, the mail of the client complained about; a replay changes nothing."""
from shared.clients import credentials
from shared.mail import events
from shared.platform import http
from shared.platform.exceptions import ValidationFailed

MAX_SNS_MESSAGE_BYTES = 300 * 1024  # SNS messages are at most 256 KiB, plus the envelope's fields


def receive(req: http.Request) -> http.Response:
    """Receive an SNS message (SES bounces and complaints)

    No key: the message's SNS signature must verify (403 otherwise, nothing stored). Amazon SNS posts
    it as text/plain JSON with `x-amz-sns-message-type`. A SubscriptionConfirmation is confirmed by
    visiting its SubscribeURL (an SNS host's only); a Notification's permanent bounces and complaints
    are recorded once, however often SNS delivers it."""
    data = req.json(max_bytes=MAX_SNS_MESSAGE_BYTES, text_plain_too=True)
    message = req.parse(events.SnsMessage, data)
    announced = req.headers.get("x-amz-sns-message-type")
    if announced is not None and announced != message.Type:
        raise ValidationFailed(f"x-amz-sns-message-type says {announced!r}, the message's Type {message.Type!r}.")
    return http.ok(events.receive(data).model_dump(mode="json"))


ROUTES = http.Routes(
    http.Route("POST", "/api/mail/events", receive, auth=credentials.public, request=events.SnsMessage,
               responses={200: (events.Received, "Received: what it recorded.")},
               errors=(400, 403, 413, 415, 422, 503)),
)


def mail_events(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
