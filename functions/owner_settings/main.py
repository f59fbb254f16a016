"""GET and PATCH /api/client: the owner reads and changes the client's settings (the reply's voice,
the sender, the time zone); the SMTP password is write-only."""
from shared.clients import client_settings, credentials
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


ROUTES = http.Routes(
    http.Route("GET", "/api/client", read, auth=credentials.client,
               responses={200: (client_settings.Settings, "The settings.")},
               errors=(503,)),
    http.Route("PATCH", "/api/client", change, auth=credentials.client, request=client_settings.SettingsChange,
               responses={200: (client_settings.Settings, "The settings, changed.")},
               errors=(400, 413, 415, 422, 503)),
)


def owner_settings(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
