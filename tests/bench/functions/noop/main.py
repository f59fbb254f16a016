"""The do-nothing function, baseline (a): a fixed small JSON answer, the body unread, no database, so
what is left is gunicorn + functions-framework."""
from shared.clients import credentials
from shared.platform import http

ROUTES = http.Routes(http.Route("POST", "/api/lead", lambda request: http.ok({"ok": True}), auth=credentials.public))


def noop(request):  # functions-framework target (a Flask request)
    return '{"ok": true}', 200, {"Content-Type": "application/json"}
