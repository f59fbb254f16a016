"""GET and PATCH /api/client: the owner reads and changes the client's settings (the reply's voice,
the sender, the time zone); the SMTP password is write-only. POST /api/client/reply-preview shows
the reply those settings give a message."""
from shared.clients import client_settings, credentials
from shared.mail import preview
from shared.platform import http


def read(req: http.Request) -> http.Response:
    """Read the client's settings

    Never the password hash, the API key or the SMTP password (only whether one is set)."""
    client = req.client
    return http.ok(client_settings.read(client).model_dump(mode="json"))


def change(req: http.Request) -> http.Response:
    """Change some of the client's settings

    Any subset of the writable fields; `null` clears an optional one; any other field is a 422
    naming it. Returns the settings as GET does."""
    client = req.client
    body = req.parse(client_settings.SettingsChange)
    return http.ok(client_settings.change(client, body).model_dump(mode="json"))


def reply_preview(req: http.Request) -> http.Response:
    """Preview the reply to a message

    Exactly the reply a lead sending this message would get now with the client's current settings
    (its unsubscribe link aside: `/u/preview`), when it would be due, and whether the owner would be
    alerted. Writes nothing."""
    client = req.client
    body = req.parse(preview.PreviewRequest)
    return http.ok(preview.preview(client, body).model_dump(mode="json"))


ROUTES = http.Routes(
    http.Route("GET", "/api/client", read, auth=credentials.client,
               responses={200: (client_settings.Settings, "The settings.")},
               errors=(503,)),
    http.Route("PATCH", "/api/client", change, auth=credentials.client, request=client_settings.SettingsChange,
               responses={200: (client_settings.Settings, "The settings, changed.")},
               errors=(400, 413, 415, 422, 503)),
    http.Route("POST", "/api/client/reply-preview", reply_preview, auth=credentials.client,
               request=preview.PreviewRequest,
               responses={200: (preview.Preview, "The reply, as it would be sent now.")},
               errors=(400, 413, 415, 422, 503)),
)


def owner_settings(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
