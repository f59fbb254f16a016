"""A fake business website on 127.0.0.1: pages, robots.txt, redirects and slow or failing answers as a
test scripts them, and its own log of every request it received (path, when, User-Agent), which is
what the crawl tests assert on."""
import http.server
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from infra.pgcluster import free_port


@dataclass(frozen=True)
class Hit:
    method: str
    path: str
    at: float  # time.monotonic() when the request line arrived
    user_agent: str
    host: str
    body: bytes = b""
    content_type: str = ""


@dataclass
class Answer:
    status: int = 200
    body: bytes | str = b""
    headers: dict = field(default_factory=dict)


Route = Answer | Callable[[Hit], Answer]


class FakeSite:
    """site = FakeSite({"/": Answer(200, html), "/robots.txt": Answer(404)}); site.url; site.hits."""

    def __init__(self, routes: dict[str, Route]):
        self.routes = dict(routes)
        self.hits: list[Hit] = []
        self.port = free_port()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.url

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def gaps(self) -> list[float]:
        """Seconds between each request and the one before it, as this server saw them."""
        return [b.at - a.at for a, b in zip(self.hits, self.hits[1:], strict=False)]

    def __enter__(self) -> "FakeSite":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _answer(self):
                at = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                hit = Hit(self.command, self.path, at, self.headers.get("User-Agent", ""),
                          self.headers.get("Host", ""), body, self.headers.get("Content-Type", ""))
                site.hits.append(hit)
                route = site.routes.get(self.path.split("?", 1)[0], Answer(404, "<h1>Not found</h1>"))
                answer = route(hit) if callable(route) else route
                payload = answer.body.encode() if isinstance(answer.body, str) else answer.body
                self.send_response(answer.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

        return Handler


def page(body: str, title: str = "Toitures Beauport") -> Answer:
    return Answer(200, f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>")


def redirect(location: str, status: int = 301) -> Answer:
    return Answer(status, "", {"Location": location})
