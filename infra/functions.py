"""The bundle's functions, found as functions/<name>/main.py: each one's module and its ROUTES, the
one route table that the local server, the OpenAPI document and the deploy tests all read."""
import functools
import importlib.util
import re
from pathlib import Path

from shared.platform import http

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"


def names() -> list[str]:
    """Every function folder; its functions-framework HTTP target has the folder's name."""
    return sorted(path.parent.name for path in FUNCTIONS_DIR.glob("*/main.py"))


def source(name: str) -> Path:
    return FUNCTIONS_DIR / name / "main.py"


@functools.cache
def module(name: str):
    """functions/<name>/main.py imported as its own module, the way Lambda imports it."""
    spec = importlib.util.spec_from_file_location(f"avenir_function_{name}", source(name))
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def http_routes() -> list[tuple[str, http.Route]]:
    """(function name, route) for every HTTP route of every function, in folder order."""
    return [(name, route) for name in names() for route in module(name).ROUTES.routes
            if (route.method, route.path) != http.SCHEDULE]


def gateway_path(path: str) -> str:
    """The path of a route as template.yaml gives it to API Gateway, which takes a path variable only
    as a whole segment: `/o/{token}.gif` is routed as `/o/{token}`, and the function's own route
    table then answers only the `.gif`."""
    return re.sub(r"[^/{}]*\{(\w+)\}[^/{}]*", r"{\1}", path)
