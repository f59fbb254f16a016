"""POST /api/auth/login, /api/auth/logout and /api/client/password: the owner signs in with email
and password for a 12-hour session, signs out, and changes the password (ending other sessions)."""
from shared.clients import credentials, sessions
from shared.platform import http
from shared.platform.exceptions import Unauthorized


def login(req: http.Request) -> http.Response:
    """Sign in with email and password

    Returns an opaque session token, valid 12 hours, to send as `Authorization: Bearer`. A wrong
    email and a wrong password get the same 401; after 10 failures for one email within 15 minutes
    that email gets a 429 until the window has passed."""
    body = req.parse(sessions.LoginRequest)
    return http.ok(sessions.login(body.email, body.password).model_dump(mode="json"))


def logout(req: http.Request) -> http.Response:
    """End this session

    The session token (as Bearer) stops working at once."""
    client = req.client
    if client.session_digest is None:
        raise Unauthorized("Send the session token to end, not an API key.")
    sessions.logout(client)
    return http.no_content()


def change_password(req: http.Request) -> http.Response:
    """Change the owner's password

    `new_password` is 10 to 72 bytes; every other session of the client ends. A wrong
    `current_password` is a 403 and counts as a failed sign-in for the client's email: after 10
    within 15 minutes (the two together), a 429 until the window has passed."""
    client = req.client
    body = req.parse(sessions.PasswordChange)
    sessions.change_password(client, body.current_password, body.new_password)
    return http.no_content()


ROUTES = http.Routes(
    http.Route("POST", "/api/auth/login", login, request=sessions.LoginRequest, auth=credentials.public,
               responses={200: (sessions.LoginResponse, "Signed in.")},
               errors=(400, 401, 413, 415, 422, 429, 503)),
    http.Route("POST", "/api/auth/logout", logout, auth=credentials.client,
               responses={204: (None, "Signed out.")}, errors=(503,)),
    http.Route("POST", "/api/client/password", change_password, auth=credentials.client,
               request=sessions.PasswordChange,
               responses={204: (None, "Changed; the client's other sessions ended.")},
               errors=(400, 403, 413, 415, 422, 429, 503)),
)


def owner_auth(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
