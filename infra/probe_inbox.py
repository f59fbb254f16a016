"""`avenir probe-inbox`: the probe inbox on this machine, an SMTP server (aiosmtpd) that accepts mail
for probe addresses (p-<token>@AVENIR_PROBE_DOMAIN) and hands each message to the same ingest as
the probe_inbox function in AWS (shared/prospects/inbox.py). Any other recipient is refused."""
import asyncio
import datetime
import logging

from infra.mailsink import until_interrupted
from shared.platform import logs
from shared.prospects import inbox

log = logging.getLogger("avenir.prospects")

DEFAULT_PORT = 2525


class ProbeInbox:
    """The aiosmtpd handler."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if inbox.probe_token([address]) is None:
            return "550 5.1.1 Not a probe address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        received_at = datetime.datetime.now(datetime.UTC)
        raw = envelope.original_content or envelope.content
        try:
            await asyncio.get_running_loop().run_in_executor(None, inbox.ingest, raw, list(envelope.rcpt_tos),
                                                             received_at)
        except Exception as e:  # logged here; the sender hears a local error, never its details
            logs.event(log, "probe mail not stored", level=logging.ERROR, error=f"{type(e).__name__}: {e}")
            return "451 4.3.0 Local error in processing; try again later"
        return "250 Message accepted"


def start(port: int = DEFAULT_PORT, host: str = "127.0.0.1"):
    """The inbox serving in a background thread; returns the aiosmtpd Controller (stop() ends it)."""
    from aiosmtpd.controller import Controller

    controller = Controller(ProbeInbox(), hostname=host, port=port, data_size_limit=inbox.MAX_RAW_BYTES)
    controller.start()
    return controller


def serve(port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> None:
    """Serve until interrupted (Ctrl-C)."""
    controller = start(port, host)
    print(f"probe inbox listening on smtp://{host}:{controller.port}", flush=True)
    until_interrupted(controller)
