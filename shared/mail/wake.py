"""Waking the follow-up sender the moment a lead's reply or alert is due, rather than at the next
minute's run (which stays, as the safety net). The intake learns in its own last round trip whether
something is due now (Q.due_now, which also NOTIFYs at COMMIT); once committed it tells the deployed
sender through its SQS queue (AVENIR_WAKE_QUEUE_URL, template.yaml). Locally the sender LISTENs
(Listener, infra/mailsink.py): no queue, no extra round trip for the intake either way."""
import contextlib
import functools
import logging
import select
import uuid

from shared.platform import db, logs, settings, sql

log = logging.getLogger("avenir.mail")
Q = sql.load(__file__)


def due_now_step(lead_id: uuid.UUID) -> tuple[str, dict]:
    """The intake's step after its reply and alerts are queued: one row, `due_now`."""
    return Q.due_now, {"lead_id": lead_id}


def sender(due_now: bool, sqs_client=None) -> None:
    """After the intake's COMMIT: a message on the sender's queue when something is due now. A queue
    that cannot be reached costs the lead nothing but the wait for the minute's run."""
    queue_url = settings.wake_queue_url()
    if not (due_now and queue_url):
        return
    try:
        (sqs_client or _sqs()).send_message(QueueUrl=queue_url, MessageBody="{}")
    except Exception as e:  # botocore's errors, a network failure: logged, never the intake's failure
        logs.event(log, "sender not woken", level=logging.WARNING, error=f"{type(e).__name__}: {e}")


@functools.cache
def _sqs():
    import boto3

    return boto3.client("sqs")


class Listener:
    """A connection of its own that LISTENs on the outbox: wait() returns once an intake committed a
    reply or alert due now, or after timeout_s."""

    def __init__(self):
        self.conn = db.connect()
        self.conn.run(Q.listen)

    def wait(self, timeout_s: float) -> bool:
        """True once woken, False after timeout_s. A notification that came in with the answer to the
        previous round trip sits in the driver's buffer, unseen by select: the round trip after the
        timeout reads it, so callers keep timeout_s short."""
        select.select([self.conn._usock], [], [], timeout_s)
        self.conn.run(Q.hear)
        woken = bool(self.conn.notifications)
        self.conn.notifications.clear()
        return woken

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a connection the database already dropped
            self.conn.close()
