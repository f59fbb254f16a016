"""A TCP relay between the application and PostgreSQL that counts round trips on the wire (each
ReadyForQuery the server sends closes one) and can hold each answer back, as a database some
milliseconds away would. Used by the round-trip tests (tests/platform/test_round_trips.py)."""
import socket
import struct
import threading
import time

SSL_REQUEST = struct.pack("!ii", 8, 80877103)


class Relay:
    """`with Relay(port, delay_s) as relay:` listens on relay.port; relay.round_trips counts every
    ReadyForQuery ('Z') message the server sent through it, on every connection."""

    def __init__(self, target_port: int, delay_s: float = 0.0, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.delay_s = delay_s
        self.round_trips = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._closed = False

    def __enter__(self) -> "Relay":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._closed = True
        self._listener.close()
        for sock in list(self._sockets):
            try:
                sock.close()
            except OSError:
                pass

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sockets += [client, server]
            state = {"ssl_answer": False}
            threading.Thread(target=self._to_server, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._to_client, args=(server, client, state), daemon=True).start()

    def _to_server(self, client: socket.socket, server: socket.socket, state: dict) -> None:
        first = True
        while data := _recv(client):
            if first and data.startswith(SSL_REQUEST):
                state["ssl_answer"] = True  # the server answers it with one untyped byte
            first = False
            if not _send(server, data):
                break
        _close(server)

    def _to_client(self, server: socket.socket, client: socket.socket, state: dict) -> None:
        pending = b""
        while data := _recv(server):
            if state.pop("ssl_answer", False):
                if not _send(client, data[:1]):
                    break
                data = data[1:]
            pending += data
            ready = 0
            while len(pending) >= 5:  # whole messages: type byte, int32 length (counting itself)
                length = struct.unpack("!i", pending[1:5])[0]
                if len(pending) < 1 + length:
                    break
                ready += pending[0:1] == b"Z"
                pending = pending[1 + length:]
            if ready:
                with self._lock:
                    self.round_trips += ready
                if self.delay_s:
                    time.sleep(self.delay_s * ready)
            if not _send(client, data):
                break
        _close(client)


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _send(sock: socket.socket, data: bytes) -> bool:
    try:
        sock.sendall(data)
        return True
    except OSError:
        return False


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
