"""The do-nothing function, baseline (a): a fixed small JSON answer, the body unread, no database, so
what is left is gunicorn + functions-framework. ROUTES names the paths it is served on."""
from shared.clients import credentials
from shared.platform import http

ROUTES = http.Routes(*(http.Route("POST", path, lambda request: http.ok({"ok": True}), auth=credentials.public)
                       for path in ("/api/lead", "/api/leads/{lead_id}/tag", "/api/leads/{lead_id}/revert")))


def noop(request):  # functions-framework target (a Flask request)
    return '{"ok": true}', 200, {"Content-Type": "application/json"}
