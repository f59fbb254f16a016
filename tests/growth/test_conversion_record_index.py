"""A conversion reads its client's conversion record from an index of its own, so the cost of
converting does not grow with the client's (or every client's) whole action history."""

from shared.growth import events
from shared.platform import db


def test_the_conversion_record_is_counted_from_its_partial_index(database, client):
    database.sql("""INSERT INTO lead_actions (client_id, action_type, tag, conversion_outcome)
                    SELECT CAST(:c AS uuid), CASE WHEN n % 10 = 0 THEN 'tag' ELSE 'update' END,
                           'Active', n % 10 = 0
                    FROM generate_series(1, 20000) AS n""", c=client.client_id)
    database.sql("VACUUM ANALYZE lead_actions")

    with db.transaction(client_id=client.client_id) as conn:
        plan = "\n".join(row[0] for row in conn.run("EXPLAIN " + events.Q.client_conversion_record,
                                                    client_id=client.client_id))
        record = db.query_one(conn, events.Q.client_conversion_record, client_id=client.client_id)

    assert "idx_lead_actions_client_conversion_record" in plan, plan
    assert record == {"conversions": 2000, "reversions": 0}
