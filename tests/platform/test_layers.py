"""The house's floors, read from the code: the platform imports no part of the product, and who may
call a route is said once, in its declaration, never by the handler itself."""
import ast
from pathlib import Path

import pytest

from infra import functions
from shared.clients import credentials
from shared.platform import http

ROOT = Path(__file__).resolve().parents[2]


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "shared" / "platform").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_platform_imports_no_part_of_the_product(path):
    parts = {name for name in _imported(path) if name.startswith("shared.") and not name.startswith("shared.platform")}
    assert not parts, f"{path.relative_to(ROOT)} imports {sorted(parts)}"


def _authenticates(call: ast.Call) -> bool:
    """accounts.authenticate(...), sessions.authenticate(...), credentials.client(request), ..."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    by_credentials = isinstance(func.value, ast.Name) and func.value.id == "credentials" and func.attr != "presented"
    return by_credentials or func.attr in ("authenticate", "authenticate_internal")


@pytest.mark.parametrize("name", functions.names())
def test_no_handler_calls_an_authenticator_itself(name):
    """Accounts and sessions are reached by the route's `auth`; a handler reads req.client."""
    source = (functions.FUNCTIONS_DIR / name / "main.py").read_text()
    calls = [ast.unparse(node) for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and _authenticates(node)]
    assert not calls


def test_every_route_says_who_may_call_it():
    with pytest.raises(TypeError, match="say who may call it"):
        http.Route("GET", "/api/forgotten", lambda req: http.ok({}))
    known = {credentials.public, credentials.client, credentials.api_key, credentials.internal, http.SCHEDULER}
    for _, route in functions.http_routes():
        assert route.auth in known, f"{route.method} {route.path}"
