"""`avenir serve`: every route of the contract on one port. Each request is handed to its own
function's functions-framework app (functions/<name>/main.py), exactly as when served alone."""
import json
import re
from pathlib import Path

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"

# function folder, functions-framework target, the paths it answers
FUNCTIONS = [
    ("lead_intake", "lead_intake", ["/api/lead"]),
    ("tag_lead", "tag_lead", ["/api/leads/{lead_id}/tag"]),
    ("revert_lead", "revert_lead", ["/api/leads/{lead_id}/revert"]),
    ("prospect_scoring", "prospect_scoring", ["/api/prospects/score", "/api/prospects"]),
    ("daily_intelligence", "daily_intelligence", ["/api/intelligence/run"]),
    ("rotate_key", "rotate_key", ["/api/clients/rotate-key"]),
]


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
    """A WSGI app dispatching by path to each function's own functions-framework app."""
    import functions_framework

    routes = []
    for folder, target, paths in FUNCTIONS:
        source = FUNCTIONS_DIR / folder / "main.py"
        if source.exists():
            app = functions_framework.create_app(target=target, source=str(source), signature_type="http")
        else:
            app = _json_app("501 Not Implemented", "not_implemented", f"The {folder} function is not built yet.")
        for path in paths:
            routes.append((re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", path) + "/?$"), app))
    not_found = _json_app("404 Not Found", "not_found", "No such route.")
    spec = _openapi_app()

    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path == "/openapi.json":
            return spec(environ, start_response)
        for pattern, app in routes:
            if pattern.match(path):
                return app(environ, start_response)
        return not_found(environ, start_response)
    return dispatch


def run(port: int, workers: int = 2, threads: int = 8, host: str = "127.0.0.1") -> None:
    """Serve with gunicorn (a production WSGI server: pre-forked workers, threads in each)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for name, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                                "worker_class": "gthread", "accesslog": None, "loglevel": "warning",
                                "timeout": 120, "graceful_timeout": 5}.items():
                self.cfg.set(name, value)

        def load(self):
            return build_app()

    Server().run()
