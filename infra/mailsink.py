"""A local mail sink for `make run`: an SMTP server on loopback (aiosmtpd) that keeps every message it
is given as a .eml file in .avenir/mail/, and, beside it, the follow-up sender run every minute as
the deployed schedule runs it, and at once when an intake commits a reply or alert due now (LISTEN,
shared/mail/wake.py). `python -m infra.mailsink` runs the sink alone."""
import argparse
import datetime
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

DEFAULT_PORT = 1025
SEND_EVERY_S = 60
LISTEN_S = 2  # the longest a wake-up can go unheard (wake.Listener.wait)


class EmlWriter:
    """The aiosmtpd handler: each accepted message becomes <UTC time>-<random>.eml, written whole
    under a temporary name first, so a reader never sees half a message."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(path)
        return "250 Message accepted for delivery"


def start_sink(directory: Path, port: int = DEFAULT_PORT, host: str = "127.0.0.1"):
    """The sink, serving in a background thread; returns the aiosmtpd Controller (stop() ends it)."""
    from aiosmtpd.controller import Controller

    controller = Controller(EmlWriter(directory), hostname=host, port=port)
    controller.start()
    return controller


def start_local_mail(directory: Path, port: int | None = None) -> Callable[[], None]:
    """For `make run`: the sink (on a free loopback port unless given), AVENIR_SMTP_URL pointing at
    it, and the sender every minute in a background thread. Returns the function that stops both."""
    from infra.pgcluster import free_port

    controller = start_sink(directory, port or free_port())
    os.environ["AVENIR_SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    stop = threading.Event()
    thread = threading.Thread(target=_send_when_due, args=(stop,), name="followup-sender", daemon=True)
    thread.start()

    def stop_all() -> None:
        stop.set()
        thread.join(timeout=5)
        controller.stop()
    return stop_all


def _send_when_due(stop: threading.Event) -> None:
    """Send what is due, then wait for a wake-up or the next minute, until stopped."""
    from shared.mail import sender, wake
    from shared.platform import logs

    listener = None
    while not stop.is_set():
        try:
            listener = listener or wake.Listener()
            sender.send_due(budget_s=SEND_EVERY_S - 10)
            _wait(listener, stop)
        except Exception as e:  # the database stopping with make run, say: try again next minute
            logs.event(sender.log, "follow-up sender run failed", error=f"{type(e).__name__}: {e}")
            if listener is not None:
                listener.close()
            listener = None
            stop.wait(SEND_EVERY_S)
    if listener is not None:
        listener.close()


def _wait(listener, stop: threading.Event) -> None:
    """Until woken, stopped, or a minute has passed."""
    for _ in range(SEND_EVERY_S // LISTEN_S):
        if stop.is_set() or listener.wait(LISTEN_S):
            return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.mailsink", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("AVENIR_STATE_DIR", ".avenir")) / "mail",
                        help="where the .eml files go (default .avenir/mail)")
    args = parser.parse_args(argv)
    controller = start_sink(args.dir, args.port)
    print(f"Mail sink on smtp://127.0.0.1:{controller.port}, writing to {args.dir} (Ctrl-C to stop)", flush=True)
    until_interrupted(controller)
    return 0


def until_interrupted(controller) -> None:
    """Serve until Ctrl-C, then stop the SMTP server (aiosmtpd's Controller)."""
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    raise SystemExit(main())
