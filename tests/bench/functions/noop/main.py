"""The do-nothing function: the server's ceiling. It answers every request with a fixed small JSON
body without reading it, touching no database, so what is left is gunicorn + functions-framework."""

BODY = '{"ok": true}'


def noop(request):  # functions-framework target (a Flask request)
    return BODY, 200, {"Content-Type": "application/json"}
