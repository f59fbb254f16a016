"""The follow-up sender facing mail servers it cannot trust: what a server answers is never stored
as it came, a client's server never reaches the platform's own network, and one client's slow
server never holds the other clients' replies."""
import socket
import threading
import time

import pytest

from shared.mail import outbox, sender

pytestmark = pytest.mark.usefixtures("fresh_outbox")


# --- what a server answers ------------------------------------------------------------------------

def test_a_nul_byte_in_a_server_answer_is_stored_cleaned_and_the_other_replies_still_go(
        platform_smtp, mail_client, lead_with_reply, replies_of):
    platform_smtp.handler.script = ["451 4.3.0 Try\x00 again\x07 later"]
    client_id = mail_client()
    first, _ = lead_with_reply(client_id)
    second, _ = lead_with_reply(client_id)
    summary = sender.send_due(workers=1)
    assert (summary.retrying, summary.sent) == (1, 1)
    errors = [reply["last_error"] for lead in (first, second) for reply in replies_of(lead) if reply["last_error"]]
    assert len(errors) == 1 and "\x00" not in errors[0] and "\x07" not in errors[0]
    assert errors[0].startswith("temporary failure (451 4.3.0)")


@pytest.mark.parametrize("error", ["refused\x00by\x00server", "lone surrogate \udc80 from a decode", "x" * 100_000,
                                   "line one\r\nline two\x1b[31m"])
def test_any_error_text_is_recorded_readable_and_bounded(mail_client, lead_with_reply, replies_of, error):
    lead_id, _ = lead_with_reply(mail_client())
    [claimed] = outbox.claim(10, 300)
    assert outbox.record(claimed, "queued", error, retry_in_s=60) is True
    stored = replies_of(lead_id)[0]["last_error"]
    assert stored.isprintable() and 0 < len(stored) <= 500


# --- what a lead wrote ----------------------------------------------------------------------------

def test_a_lead_named_with_a_link_gets_a_reply_without_it_addressed_to_the_email_alone(
        platform_smtp, mail_client, lead_with_reply):
    lead_with_reply(mail_client(), name="https://win-a-prize.example/claim", email="olivia@parkhomes.ca")
    assert sender.send_due().sent == 1
    message = platform_smtp.received[0].message
    text = message.get_body(("plain",)).get_content()
    assert message["To"] == "olivia@parkhomes.ca"
    assert text.startswith("Hi there,") and "win-a-prize" not in text + str(message)


# --- where a client's server may be -----------------------------------------------------------------

LOOPBACK_SPELLINGS = ["127.0.0.1", "localhost", "0.0.0.0", "2130706433", "127.1", "::1", "::ffff:127.0.0.1"]


@pytest.fixture
def listener():
    """A real socket listening on 127.0.0.1 and ::1 (one port), never accepting: connections() tells
    how many connections reached it."""
    sockets = [socket.create_server(("127.0.0.1", 0))]
    port = sockets[0].getsockname()[1]
    try:
        sockets.append(socket.create_server(("::1", port), family=socket.AF_INET6))
    except OSError:
        pass  # no IPv6 here: ::1 then cannot be reached at all

    def connections() -> int:
        count = 0
        for sock in sockets:
            sock.setblocking(False)
            while True:
                try:
                    sock.accept()[0].close()
                    count += 1
                except BlockingIOError:
                    break
        return count
    yield port, connections
    for sock in sockets:
        sock.close()


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS + ["169.254.169.254", "10.0.0.7", "fd00:ec2::254"])
def test_without_the_private_setting_a_client_server_on_a_private_address_is_refused_and_never_reached(
        monkeypatch, listener, mail_client, lead_with_reply, replies_of, database, host):
    monkeypatch.delenv("AVENIR_SMTP_ALLOW_PRIVATE")
    port, connections = listener
    client_id = mail_client()
    database.sql("UPDATE clients SET smtp_host = :h, smtp_port = :p WHERE client_id = :c", h=host, p=port, c=client_id)
    lead_id, _ = lead_with_reply(client_id)
    assert sender.send_due().failed == 1
    [reply] = replies_of(lead_id)
    assert reply["status"] == "failed" and reply["last_error"].startswith("refused: smtp_host must be a public")
    assert connections() == 0


def test_with_the_private_setting_the_same_server_is_reached(listener, mail_client, lead_with_reply, database,
                                                              monkeypatch):
    monkeypatch.setenv("AVENIR_SMTP_TIMEOUT_S", "0.3")
    port, connections = listener
    client_id = mail_client()
    database.sql("UPDATE clients SET smtp_host = '2130706433', smtp_port = :p WHERE client_id = :c", p=port,
                 c=client_id)
    lead_with_reply(client_id)
    assert sender.send_due().retrying == 1  # it never answers: timed out, retried later
    assert connections() == 1


# --- a server scripted byte by byte -----------------------------------------------------------------

@pytest.fixture
def raw_smtp():
    """raw_smtp(script) -> port: a socket server on 127.0.0.1 that plays script(connection) to each
    connection, in a thread of its own."""
    servers = []

    def start(script) -> int:
        server = socket.create_server(("127.0.0.1", 0))
        servers.append(server)

        def serve():
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                threading.Thread(target=_play, args=(script, conn), daemon=True).start()
        threading.Thread(target=serve, daemon=True).start()
        return server.getsockname()[1]
    yield start
    for server in servers:
        server.close()


def _play(script, conn):
    with conn:
        try:
            script(conn)
        except OSError:
            pass


def test_a_server_banner_refusing_the_connection_is_not_echoed_in_last_error(
        raw_smtp, mail_client, lead_with_reply, replies_of, database):
    port = raw_smtp(lambda conn: conn.sendall(b"554 5.7.1 Internal host db7.corp.local says go away\r\n"))
    client_id = mail_client()
    database.sql("UPDATE clients SET smtp_host = '127.0.0.1', smtp_port = :p WHERE client_id = :c", p=port,
                 c=client_id)
    lead_id, _ = lead_with_reply(client_id)
    sender.send_due()
    [reply] = replies_of(lead_id)
    assert reply["last_error"] == "server refused the connection (554 5.7.1)"


# --- one client's slow server -----------------------------------------------------------------------

def trickle(lines: int, every_s: float):
    """A server that never finishes its greeting: a "220-" line every every_s, `lines` times."""
    def script(conn):
        for _ in range(lines):
            conn.sendall(b"220-still warming up\r\n")
            time.sleep(every_s)
    return script


def test_a_server_trickling_its_greeting_ends_at_the_deadline_and_holds_no_other_clients_reply(
        raw_smtp, platform_smtp, monkeypatch, mail_client, lead_with_reply, replies_of, database):
    monkeypatch.setenv("AVENIR_SMTP_TIMEOUT_S", "2")  # each line comes well within it
    monkeypatch.setenv("AVENIR_SMTP_DEADLINE_S", "1")
    connections = []
    slow_port = raw_smtp(lambda conn: connections.append(1) or trickle(lines=20, every_s=0.3)(conn))
    slow = mail_client(business_name="Slow Roofing")
    database.sql("UPDATE clients SET smtp_host = '127.0.0.1', smtp_port = :p WHERE client_id = :c", p=slow_port,
                 c=slow)
    slow_leads = [lead_with_reply(slow)[0] for _ in range(4)]
    others = [lead_with_reply(mail_client(business_name=f"Other {n}"))[0] for n in range(4)]
    summary = sender.send_due(workers=4)
    assert summary.sent == 4 and len(platform_smtp.received) == 4
    assert all(replies_of(lead)[0]["status"] == "sent" for lead in others)
    slow_replies = [replies_of(lead)[0] for lead in slow_leads]
    assert {reply["status"] for reply in slow_replies} == {"queued"}
    tried = [reply for reply in slow_replies if reply["attempts"] == 1]
    assert 1 <= len(tried) <= 2  # at most its share of the 4 workers, each once
    assert all("deadline" in reply["last_error"] for reply in tried)
    assert all(reply["attempts"] == 0 and reply["last_error"].startswith("not tried")
               for reply in slow_replies if reply not in tried)
    assert len(connections) == len(tried)


def test_a_reply_claimed_by_runs_killed_before_reaching_it_keeps_all_its_attempts(
        platform_smtp, mail_client, lead_with_reply, replies_of, database):
    lead_id, _ = lead_with_reply(mail_client())
    for _ in range(8):  # eight runs, each killed (a Lambda timeout) after claiming, before sending
        assert len(outbox.claim(10, 300)) == 1
        database.sql("UPDATE lead_replies SET lease_until = now() - interval '1 second' WHERE lead_id = :l",
                     l=lead_id)
    assert sender.send_due().sent == 1
    [reply] = replies_of(lead_id)
    assert (reply["status"], reply["attempts"]) == ("sent", 1) and len(platform_smtp.received) == 1
