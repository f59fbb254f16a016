"""Fixtures of the daily intelligence tests."""
import pytest


@pytest.fixture
def refuse_growth_rows(database):
    """refuse_growth_rows(client_id): from then on the database refuses that client's growth_brain
    rows (a trigger raising on insert) — a real write failure, as a constraint or a dropped client
    would cause. Removed when the test ends."""
    def refuse(client_id):
        database.sql(f"""
            CREATE FUNCTION refuse_growth_rows() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.client_id = '{client_id}' THEN RAISE EXCEPTION 'refused for this client'; END IF;
              RETURN NEW;
            END $$""")
        database.sql("CREATE TRIGGER refuse_growth_rows BEFORE INSERT ON growth_brain"
                     " FOR EACH ROW EXECUTE FUNCTION refuse_growth_rows()")
    yield refuse
    database.sql("DROP TRIGGER IF EXISTS refuse_growth_rows ON growth_brain")
    database.sql("DROP FUNCTION IF EXISTS refuse_growth_rows()")
