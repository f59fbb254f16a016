"""What the intake tests (tests/leads/test_intake_*.py) share: the messages they send, a Sender per
runtime, and readers of the rows a delivery leaves in PostgreSQL."""
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

from tests.helpers import apigw_event, invoke

PATH = "/api/lead"
QUOTE = ("Hi, I'd like a quote for repainting three bedrooms in our condo in Verdun sometime next month. "
         "No rush, we are flexible.")
LEAK = ("Water is pouring through our kitchen ceiling right now! We need someone today, it is an emergency. "
        "Please call me back ASAP.")
SOUMISSION = "Bonjour, j'aimerais recevoir une soumission pour refaire la toiture de notre duplex à Rosemont."

@dataclass
class Sender:
    """One way in: "http" (a real port), "lambda" or "lambda-base64" (the handler, v2 events)."""

    runtime: str
    api: object = None
    function: object = None

    def send(self, method="POST", path=PATH, body=None, key=None, headers=None, raw=None,
             content_type="application/json"):
        if self.runtime == "http":
            return self.api.request(method, path, body, key=key, headers=headers, raw=raw,
                                    content_type=content_type)
        event = apigw_event(method, path, body=body, key=key, headers=headers, raw=raw,
                            base64_body=self.runtime == "lambda-base64", content_type=content_type)
        return invoke(self.function, event)

    def post(self, body=None, **kwargs):
        return self.send("POST", PATH, body, **kwargs)


def new_email(local="client") -> str:
    return f"{local}.{uuid.uuid4().hex[:8]}@gmail.com"


def new_key() -> str:
    return f"zap-{uuid.uuid4().hex}"


def leads_of(database, client, email) -> list[dict]:
    return database.sql("SELECT * FROM lead_memory WHERE client_id = :c AND lower(email) = lower(:e) "
                        "ORDER BY timestamp", c=client.client_id, e=email)


def actions_of(database, client, email) -> list[dict]:
    return database.sql("""SELECT a.* FROM lead_actions a JOIN lead_memory l ON l.id = a.lead_id
                           WHERE a.client_id = :c AND lower(l.email) = lower(:e)
                           ORDER BY a.timestamp""", c=client.client_id, e=email)


def keys_of(database, client, *keys) -> list[dict]:
    return database.sql("SELECT * FROM idempotency_keys WHERE client_id = :c AND idempotency_key = ANY(:k)",
                        c=client.client_id, k=list(keys))


def rows_written(database, client, email, *keys) -> tuple[int, int, int]:
    """(leads, actions, idempotency keys) stored for this email and these keys."""
    return (len(leads_of(database, client, email)), len(actions_of(database, client, email)),
            len(keys_of(database, client, *keys)) if keys else 0)


def table_sizes(database) -> tuple[int, int, int]:
    row = database.one("SELECT (SELECT count(*) FROM lead_memory) AS leads, (SELECT count(*) FROM lead_actions) "
                       "AS actions, (SELECT count(*) FROM idempotency_keys) AS idempotency_keys")
    return row["leads"], row["actions"], row["idempotency_keys"]


def assert_history(entries: list, values: list) -> None:
    assert [entry["value"] for entry in entries] == values
    stamps = [datetime.fromisoformat(entry["timestamp"]) for entry in entries]
    assert all(stamp.tzinfo is not None for stamp in stamps) and stamps == sorted(stamps)


def send_at_once(count: int, send) -> list:
    """`count` threads released together, each calling send(i); their results in thread order."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        barrier.wait()
        results[i] = send(i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
