"""Whole SQL statements read from the `.sql` file beside the module that runs them, one
`-- name: <name>` block per statement with `:named` parameters, loaded once at import."""
import re
from pathlib import Path
from types import SimpleNamespace

_NAME = re.compile(r"^-- name: ([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


def load(module_file: str) -> SimpleNamespace:
    """The statements of `<module>.sql` beside `module_file` (pass `__file__`), as attributes named
    by their `-- name:` lines. Comments between a name and its statement stay in the statement
    (PostgreSQL ignores them); a file without names, or with a name twice, is a mistake."""
    path = Path(module_file).with_suffix(".sql")
    parts = _NAME.split(path.read_text(encoding="utf-8"))
    if len(parts) < 3:
        raise ValueError(f"{path}: no '-- name: ...' statement found")
    statements: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in statements:
            raise ValueError(f"{path}: statement {name!r} is named twice")
        statements[name] = body.strip()
    return SimpleNamespace(**statements)
