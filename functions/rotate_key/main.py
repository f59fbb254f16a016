"""POST /api/clients/rotate-key: a client replaces its own API key; the new one is returned once."""
from shared.clients import accounts, credentials
from shared.platform import http


def rotate(req: http.Request) -> http.Response:
    """Replace the caller's API key

    Authenticated with the current key; no body. The old key stops working at once,
    `clients.last_rotated` is set and the rotation is audited by key fingerprints only. Of two
    rotations racing with one key, one wins and the other gets a 401."""
    client = req.client
    # Signed in: whatever key the client has; else the key presented, so that two racing rotations cannot both win.
    presented_key = None if client.session_digest else credentials.presented(req.headers)
    rotated = accounts.rotate_key(client.client_id, presented_key=presented_key, rotated_by="api")
    response = http.ok(rotated.model_dump(mode="json"))
    response.headers["Cache-Control"] = "no-store"  # the body holds a secret
    return response


ROUTES = http.Routes(
    http.Route("POST", "/api/clients/rotate-key", rotate, auth=credentials.client, errors=(503,),
               responses={200: (accounts.RotatedKey, "The new key, shown this once; the old key no longer works.")},
               response_headers={"Cache-Control": {"description": "The body holds a secret.",
                                                   "schema": {"type": "string", "const": "no-store"}}}),
)


def rotate_key(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
