"""POST /api/lead: a webhook delivers a lead; it is enriched offline, deduplicated by email within
the client, stored with its history in one transaction, and answered once per Idempotency-Key."""
from shared import http, idempotency, leads


def intake(req: http.Request) -> http.Response:
    client = http.authenticate(req)
    body = req.json()
    lead = req.parse(leads.LeadRequest, body)
    delivery = idempotency.delivery(req.headers.get("idempotency-key"), body)
    result = leads.intake(client, lead, delivery)
    response = http.ok(result.body, status=result.status)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


ROUTES = http.Routes({("POST", "/api/lead"): intake})


def lead_intake(request):         # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):      # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
