"""Synthetic clients, leads, actions and conversion events for the daily intelligence run, made
with set-based SQL (generate_series) so a full-size data set loads in seconds.

    from tests.growth.intelligence.datagen import populate, sizes
    counts = populate(conn, **sizes(1.0), end=datetime.date(2026, 11, 24))

`conn` is a pg8000.native.Connection (owner or superuser) to a migrated database; `sizes(f)` is
the schema reference's largest sizes times f (1,000 clients, 100,000 leads, 500,000 actions).
Leads spread over the `days` days before the end of `end` (UTC). Command line:
`DATABASE_URL=... python -m tests.growth.intelligence.datagen --scale 1 --end 2026-11-24`.
"""
import argparse
import datetime
import os

import pg8000.native

FULL_SIZE = {"clients": 1000, "leads": 100_000, "actions": 500_000}


def sizes(scale: float = 1.0) -> dict:
    """The reference's largest sizes times `scale`."""
    return {name: max(1, round(count * scale)) for name, count in FULL_SIZE.items()}


CREATE_CLIENTS = """
INSERT INTO clients (client_id, business_name, email, password_hash, api_key, is_test)
SELECT gen_random_uuid(), 'Bench business ' || i,
       CASE WHEN i % 20 = 0 THEN 'owner' || i || '@test-bench.avenir.ca' ELSE 'owner' || i || '@bench.avenir.ca' END,
       'x', 'sha256:bench' || i || '-' || gen_random_uuid(), i % 20 = 0
FROM generate_series(1, :clients::int) AS i
RETURNING client_id
"""

NUMBER_CLIENTS = """
CREATE TEMP TABLE bench_client ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY client_id) - 1 AS n, client_id
FROM unnest(:client_ids::uuid[]) AS client_id
"""

# Tags: Active 45%, Follow-Up 20%, Converted 15%, Archived 15%, Deleted 5%; 5% test leads.
CREATE_LEADS = """
CREATE TEMP TABLE bench_lead ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, c.client_id,
       :end::timestamptz - (random() * :days::int) * interval '1 day' AS ts,
       (ARRAY['High', 'Medium', 'Medium', 'Low', 'Low'])[1 + floor(random() * 5)::int] AS urgency,
       (ARRAY['Professional', 'Friendly', 'Formal', 'Urgent', 'Frustrated', 'Neutral'])
         [1 + floor(random() * 6)::int] AS tone,
       round(random()::numeric, 2) AS confidence_score,
       random() < 0.05 AS is_test,
       random() AS tag_draw
FROM generate_series(0, :leads::int - 1) AS i
JOIN bench_client c ON c.n = i % :clients::int
"""

INSERT_LEADS = """
INSERT INTO lead_memory (id, email, name, message, language, intent, tone, urgency, confidence_score, client_id,
                         current_tag, archived, deleted, is_test, tone_history, urgency_history,
                         confidence_history, timestamp, last_updated)
SELECT id, 'lead-' || id || '@mail.example.ca', 'Lead ' || left(id::text, 8), 'Hello, I need a quote.', 'en',
       'quote_request', tone, urgency, confidence_score, client_id, tag, tag = 'Archived', tag = 'Deleted', is_test,
       jsonb_build_array(jsonb_build_object('value', tone, 'timestamp', ts)),
       jsonb_build_array(jsonb_build_object('value', urgency, 'timestamp', ts)),
       jsonb_build_array(jsonb_build_object('value', confidence_score, 'timestamp', ts)), ts, ts
FROM (SELECT *, CASE WHEN tag_draw < 0.45 THEN 'Active' WHEN tag_draw < 0.65 THEN 'Follow-Up'
                     WHEN tag_draw < 0.80 THEN 'Converted' WHEN tag_draw < 0.95 THEN 'Archived'
                     ELSE 'Deleted' END AS tag
      FROM bench_lead) l
"""

# One insert per lead; one action reaching its current tag (with a conversion event for
# Converted); a conversion later reverted for one Active lead in ten; updates for the rest.
INSERT_LIFE_ACTIONS = """
WITH lead AS (
  SELECT id, client_id, is_test, timestamp AS ts, current_tag,
         timestamp + (random() * extract(epoch FROM :end::timestamptz - timestamp)) * interval '1 second' AS changed_at,
         random() < 0.1 AS reverted
  FROM lead_memory WHERE id IN (SELECT id FROM bench_lead)
)
INSERT INTO lead_actions (lead_id, client_id, action_type, tag, conversion_outcome, reversion_reason, is_test,
                          timestamp)
SELECT id, client_id, 'insert', 'Active', false, NULL, is_test, ts FROM lead
UNION ALL
SELECT id, client_id, CASE current_tag WHEN 'Archived' THEN 'archive' WHEN 'Deleted' THEN 'delete' ELSE 'tag' END,
       current_tag, current_tag = 'Converted', NULL, is_test, changed_at
FROM lead WHERE current_tag <> 'Active'
UNION ALL
SELECT id, client_id, 'tag', 'Converted', true, NULL, is_test, ts + (changed_at - ts) / 2
FROM lead WHERE current_tag = 'Active' AND reverted
UNION ALL
SELECT id, client_id, 'revert', 'Active', false, 'Placed in converted by accident', is_test, changed_at
FROM lead WHERE current_tag = 'Active' AND reverted
"""

INSERT_UPDATE_ACTIONS = """
WITH numbered AS (
  SELECT row_number() OVER () - 1 AS n, id, client_id, is_test, timestamp AS ts FROM lead_memory
  WHERE id IN (SELECT id FROM bench_lead)
)
INSERT INTO lead_actions (lead_id, client_id, action_type, tag, conversion_outcome, is_test, timestamp)
SELECT l.id, l.client_id, 'update', NULL, false, l.is_test,
       l.ts + (random() * extract(epoch FROM :end::timestamptz - l.ts)) * interval '1 second'
FROM generate_series(0, :updates::int - 1) AS i
JOIN numbered l ON l.n = (i::bigint * 7919) % :leads::int
"""

# growth_brain mirrors each conversion and reversion action, as tagging writes them.
INSERT_GROWTH_EVENTS = """
INSERT INTO growth_brain (client_id, event_type, learning_snapshot, insight_text, confidence, created_at)
SELECT a.client_id, CASE WHEN a.conversion_outcome THEN 'conversion' ELSE 'reversion' END,
       CASE WHEN a.conversion_outcome
            THEN jsonb_build_object('lead_id', l.id, 'lead_name', l.name, 'initial_urgency', l.urgency,
                                    'initial_tone', l.tone, 'days_to_convert',
                                    floor(extract(epoch FROM a.timestamp - l.timestamp) / 86400)::int,
                                    'touch_points', 1, 'conversion_value', NULL, 'final_tag', 'Converted')
            ELSE jsonb_build_object('lead_id', l.id, 'reason', a.reversion_reason, 'previous_tag', 'Converted') END,
       'bench event', 0.95, a.timestamp
FROM lead_actions a
JOIN lead_memory l ON l.id = a.lead_id
WHERE l.id IN (SELECT id FROM bench_lead) AND (a.conversion_outcome OR a.action_type = 'revert')
"""


def populate(conn: pg8000.native.Connection, *, clients: int, leads: int, actions: int,
             end: datetime.date, days: int = 90) -> dict:
    """Load one data set (in one transaction) and ANALYZE; returns the row counts written."""
    end_at = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
    conn.run("BEGIN")
    try:
        client_ids = [row[0] for row in conn.run(CREATE_CLIENTS, clients=clients)]
        conn.run(NUMBER_CLIENTS, client_ids=client_ids)
        conn.run(CREATE_LEADS, clients=clients, leads=leads, end=end_at, days=days)
        conn.run(INSERT_LEADS)
        conn.run(INSERT_LIFE_ACTIONS, end=end_at)
        life_actions = conn.row_count
        updates = max(0, actions - life_actions)
        if updates:
            conn.run(INSERT_UPDATE_ACTIONS, end=end_at, updates=updates, leads=leads)
        conn.run(INSERT_GROWTH_EVENTS)
        growth_events = conn.row_count
        conn.run("COMMIT")
    except Exception:
        conn.run("ROLLBACK")
        raise
    conn.run("ANALYZE")
    return {"clients": clients, "leads": leads, "actions": life_actions + updates, "growth_events": growth_events}


def main() -> None:
    from shared.platform import settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--end", type=datetime.date.fromisoformat,
                        default=datetime.datetime.now(datetime.UTC).date())
    args = parser.parse_args()
    conn = pg8000.native.Connection(**settings.params_from_url(os.environ["DATABASE_URL"]))
    try:
        print(populate(conn, **sizes(args.scale), end=args.end))
    finally:
        conn.close()


if __name__ == "__main__":
    main()
