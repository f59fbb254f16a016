"""`avenir serve`: every route of the contract on one port. Each request is handed to its own
function's functions-framework app (functions/<name>/main.py), exactly as when served alone."""
import json
import re

from infra import functions
from shared.platform import http

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

def _json_app(status: str, code: str, message: str):
    body = json.dumps({"error": {"code": code, "message": message}}).encode()

    def app(environ, start_response):
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    return app


def _openapi_app():
    """GET /openapi.json: the API's OpenAPI 3.1 document (infra/openapi.py), built once."""
    from infra import openapi

    body = json.dumps(openapi.document()).encode()
    method_not_allowed = _json_app("405 Method Not Allowed", "method_not_allowed", "Use GET.")

    def app(environ, start_response):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return method_not_allowed(environ, lambda status, headers: start_response(
                status, [*headers, ("Allow", "GET, HEAD")]))
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    return app


def build_app():
    """A WSGI app dispatching by path to each function's own functions-framework app, matching
    paths exactly as the functions' own routing does (http.path_matches)."""
    import functions_framework

    table = []
    for name in functions.names():
        app = functions_framework.create_app(target=name, source=str(functions.source(name)), signature_type="http")
        table += [(route.path, app) for route in functions.module(name).ROUTES.routes]
    # Literal paths before templated ones, as API Gateway picks the most specific route:
    # /api/prospects/score is prospect_scoring's even though /api/prospects/{prospect_id} matches it too.
    table.sort(key=lambda entry: "{" in entry[0])
    not_found = _json_app("404 Not Found", "not_found", "No such route.")
    spec = _openapi_app()

    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path == "/openapi.json":
            return spec(environ, start_response)
        for route_path, app in table:
            if http.path_matches(route_path, path):
                # werkzeug's router never matches a control character (a decoded %0A): keep them
                # percent-encoded, so the function answers such a path itself, key check first.
                environ["PATH_INFO"] = _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", path)
                return app(environ, start_response)
        return not_found(environ, start_response)
    return dispatch


# gunicorn's own logs (start, stop, a refused request, a crashed worker) as JSON lines on stderr,
# like the functions' (shared/platform/logs.py); any other library logging through the root logger too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "shared.platform.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
                "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False}},
}


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's answer to a request it refuses before any function sees it (a control character in
    a header, a request line over its limit, a malformed chunk), in the contract's error envelope
    instead of its HTML page. Replaces gunicorn.util.write_error, which its workers call for that."""
    from gunicorn import util

    code = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 431: "headers_too_large",
            501: "not_implemented"}.get(status_int, "internal_error" if status_int >= 500 else "bad_request")
    body = json.dumps({"error": {"code": code, "message": f"{reason}: {mesg}" if mesg else reason}}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
    util.write_nonblock(sock, head + body)


def run(port: int, workers: int = 2, threads: int = 8, host: str = "127.0.0.1") -> None:
    """Serve with gunicorn (a production WSGI server: pre-forked workers, threads in each)."""
    from gunicorn import util
    from gunicorn.app.base import BaseApplication

    util.write_error = write_error

    class Server(BaseApplication):
        def load_config(self):
            for name, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                                "worker_class": "gthread", "accesslog": None, "loglevel": "warning",
                                "logconfig_dict": LOGGING, "timeout": 120, "graceful_timeout": 5}.items():
                self.cfg.set(name, value)

        def load(self):
            return build_app()

    Server().run()
