"""The functions-framework runtime (a Flask request in, a Flask answer out), as `avenir serve`
and `make run` serve every route."""
import contextlib

from shared.platform.exceptions import AvenirError
from shared.platform.http.request import Request, request_id
from shared.platform.http.routing import Routes, serve


def from_flask(flask_request) -> Request:
    headers = {k.lower(): v for k, v in flask_request.headers.items()}
    return Request(method=flask_request.method, path=flask_request.path, headers=headers,
                   query={k: flask_request.args.get(k) for k in flask_request.args},
                   reader=lambda limit: _read_at_most(flask_request.stream, limit),
                   source_ip=flask_request.environ.get("REMOTE_ADDR"),
                   request_id=request_id(headers.get("x-request-id")))


def _read_at_most(stream, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = stream.read(min(limit - size, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def serve_flask(flask_request, routes: Routes):
    """functions-framework entrypoint body: a (body, status, headers) tuple Flask understands.
    functions-framework reads whatever is left of a request's body into memory once the response is
    made, unless the response is streamed: a body refused unread (a missing key, over its limit,
    perhaps endless) is answered as a stream, so it never is."""
    request = from_flask(flask_request)
    response = serve(request, routes)
    refused_unread = request.refused_body_unread()
    if request.reader is not None:
        # Refused before reading (a missing key): what a route may take of the body is read now and
        # dropped, so that a malformed one fails here and the server closes the connection, rather
        # than failing in the server's drain after the answer (seen: the answer lost).
        with contextlib.suppress(AvenirError):
            request.read_body()
    body = response.chunks()
    if isinstance(body, list):  # a whole body; streamed when a refused body was left unread
        body = iter(body) if refused_unread else b"".join(body)
    return body, response.status, response.headers
