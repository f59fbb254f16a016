"""shared/platform/sql.py: statements read whole from the .sql file beside a module."""
import pytest

from shared.platform import sql


def test_each_named_block_is_one_whole_statement(tmp_path):
    module = tmp_path / "leads.py"
    (tmp_path / "leads.sql").write_text(
        "-- name: find_lead\n-- The lead, scoped to its client.\nSELECT id\nFROM lead_memory\nWHERE id = :lead_id;\n\n"
        "-- name: count_leads\nSELECT count(*) FROM lead_memory\n"
    )
    statements = sql.load(str(module))
    assert statements.find_lead == (
        "-- The lead, scoped to its client.\nSELECT id\nFROM lead_memory\nWHERE id = :lead_id;"
    )
    assert statements.count_leads == "SELECT count(*) FROM lead_memory"


def test_a_file_without_names_or_with_a_name_twice_is_refused(tmp_path):
    (tmp_path / "a.sql").write_text("SELECT 1\n")
    with pytest.raises(ValueError, match="no '-- name: ...' statement"):
        sql.load(str(tmp_path / "a.py"))
    (tmp_path / "b.sql").write_text("-- name: one\nSELECT 1\n-- name: one\nSELECT 2\n")
    with pytest.raises(ValueError, match="named twice"):
        sql.load(str(tmp_path / "b.py"))


# --- no statement assembled at run time ----------------------------------------------------------
# Every place the product hands SQL to the database (db.query, query_one, admin_read, client_read,
# pipeline steps, a connection's run) must pass a statement loaded from a .sql file: `Q.<name>` of
# its own module or `<module>.Q.<name>` of another, or a `*_step` function's (statement, parameters)
# whose statement is one. And no string in the code reads as SQL. Checked on the source itself.
import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("shared/**/*.py"), *ROOT.glob("functions/*/main.py"), *ROOT.glob("infra/*.py")])
# Cluster management of the local stack and tests: CREATE DATABASE takes an identifier, never a parameter.
NOT_THE_PRODUCT = {ROOT / "infra" / "pgcluster.py"}
STATEMENT_ARGUMENT = {"query": 1, "query_one": 1, "admin_read": 0, "client_read": 1}
SQL_TEXT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|SET|BEGIN|COMMIT|CREATE|ALTER)\s")


def _is_loaded(node: ast.AST) -> bool:
    """Q.name, or module.Q.name, or a choice between two of them."""
    if isinstance(node, ast.IfExp):
        return _is_loaded(node.body) and _is_loaded(node.orelse)
    return isinstance(node, ast.Attribute) and (
        (isinstance(node.value, ast.Name) and node.value.id == "Q")
        or (isinstance(node.value, ast.Attribute) and node.value.attr == "Q"))


def _is_step(node: ast.AST) -> bool:
    if isinstance(node, ast.Tuple):
        return _is_loaded(node.elts[0])
    if isinstance(node, ast.Call):  # a *_step function, checked below
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return name.endswith("_step")
    if isinstance(node, ast.Starred):  # *steps: a list of such tuples, checked where it is built
        return isinstance(node.value, ast.Name)
    return False


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    where = lambda node: f"{path.relative_to(ROOT)}:{node.lineno}"  # noqa: E731
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name, receiver = node.func.attr, node.func.value
            if isinstance(receiver, ast.Name) and receiver.id == "db":
                if name in STATEMENT_ARGUMENT and not _is_loaded(node.args[STATEMENT_ARGUMENT[name]]):
                    problems.append(f"{where(node)}: db.{name} with a statement not loaded from a .sql file")
                if name == "pipeline" and not all(_is_step(arg) for arg in node.args[1:]):
                    problems.append(f"{where(node)}: a pipeline step not loaded from a .sql file")
            if name == "run" and isinstance(receiver, ast.Name) and receiver.id == "conn":
                # only the migration runner runs a whole migration file (schema/*.sql) as it is
                script = path.name == "migrate.py" and ast.unparse(node.args[0]) == "script"
                if not (_is_loaded(node.args[0]) or script):
                    problems.append(f"{where(node)}: conn.run with a statement not loaded from a .sql file")
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_step"):
            returned = [n.value for n in ast.walk(node) if isinstance(n, ast.Return)]
            if not all(isinstance(r, ast.Tuple) and _is_loaded(r.elts[0]) for r in returned):
                problems.append(f"{where(node)}: {node.name} does not return a loaded statement")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value):
            problems.append(f"{where(node)}: SQL text in the code")
        if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.Constant) and SQL_TEXT.match(str(v.value))
                                                   for v in node.values[:1]):
            problems.append(f"{where(node)}: SQL assembled in an f-string")
    return problems


def test_every_statement_the_product_runs_is_loaded_from_a_sql_file():
    problems = [p for path in SOURCES if path not in NOT_THE_PRODUCT for p in _problems(path)]
    assert problems == []


def test_the_check_finds_a_statement_written_in_the_code(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text('from shared.platform import db\nLOOKUP = "SELECT 1"\n\n\ndef f(conn, t):\n'
                      '    db.query(conn, LOOKUP)\n    db.query(conn, f"SELECT * FROM {t}")\n'
                      '    db.pipeline(conn, ("DELETE FROM x", {}))\n    conn.run("BEGIN")\n')
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        flagged = {int(problem.split(":")[1]) for problem in _problems(module)}
        assert flagged == {2, 6, 7, 8, 9}  # the constant, both queries, the pipeline step, the run
    finally:
        ROOT = saved


# --- each part runs its own statements ------------------------------------------------------------
# A module runs the statements of its own .sql file; another module's are reached through a function
# of that module (a `*_step` function for a pipelined round trip), so a statement's callers are all
# beside it. shared/platform is one part: its migration runner uses the connection's BEGIN/ROLLBACK.

def _foreign_statements(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [f"{path.relative_to(ROOT)}:{node.lineno}: runs {ast.unparse(node)}" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
            and node.value.attr == "Q"]


def test_each_module_runs_only_its_own_statements():
    platform = ROOT / "shared" / "platform"
    problems = [p for path in SOURCES if path not in NOT_THE_PRODUCT and platform not in path.parents
                for p in _foreign_statements(path)]
    assert problems == []
