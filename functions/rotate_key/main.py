"""POST /api/clients/rotate-key: a client replaces its own API key; the new one is returned once."""
from shared import clients, http


def rotate(req: http.Request) -> http.Response:
    client = http.authenticate(req)
    rotated = clients.rotate_key(client.client_id, presented_key=http.api_key(req), rotated_by="api")
    response = http.ok(rotated.model_dump(mode="json"))
    response.headers["Cache-Control"] = "no-store"  # the body holds a secret
    return response


ROUTES = http.Routes({("POST", "/api/clients/rotate-key"): rotate})


def rotate_key(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
