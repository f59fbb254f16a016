"""The do-nothing function: the server's ceiling. It answers every request with a fixed small JSON
body without reading it, touching no database, so what is left is gunicorn + functions-framework.
ROUTES only names the paths it is served on (the benchmarks' routes); no request goes through it."""
from shared.clients import credentials
from shared.platform import http

BODY = '{"ok": true}'


def nothing(request: http.Request) -> http.Response:
    return http.ok({"ok": True})


ROUTES = http.Routes(*(http.Route("POST", path, nothing, auth=credentials.public)
                       for path in ("/api/lead", "/api/leads/{lead_id}/tag", "/api/leads/{lead_id}/revert",
                                    "/api/prospects/score")))


def noop(request):  # functions-framework target (a Flask request)
    return BODY, 200, {"Content-Type": "application/json"}
