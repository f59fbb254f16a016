"""shared/sql.py: statements read whole from the .sql file beside a module."""
import pytest

from shared import sql


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
