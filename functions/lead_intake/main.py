"""POST /api/lead: a webhook delivers a lead; it is enriched offline, deduplicated by email within
the client, stored with its history in one transaction, and answered once per Idempotency-Key."""
from shared.clients import credentials
from shared.leads import intake as leads
from shared.platform import http, idempotency


def intake(req: http.Request) -> http.Response:
    """Submit a lead (web form webhook)

    Enriches the lead offline, deduplicates it by email within the client, and stores it with its
    history and one lead_actions row, in one transaction."""
    client = req.client
    body = req.json()
    lead = req.parse(leads.LeadRequest, body)
    delivery = idempotency.delivery(req.headers.get("idempotency-key"), body)
    result = leads.intake(client, lead, delivery)
    response = http.ok(result.body, status=result.status)
    response.log_fields = {"lead_id": result.body["lead_id"],
                           "outcome": "replayed" if result.replayed else result.body["action"]}
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


ROUTES = http.Routes(
    http.Route("POST", "/api/lead", intake, auth=credentials.api_key,
               request=leads.LeadRequest, parameters=(idempotency.HEADER_PARAMETER,),
               responses={201: (leads.LeadResponse, "A new lead was stored."),
                          200: (leads.LeadResponse, "The client's lead with this email (any case) was updated.")},
               errors=(400, 409, 413, 415, 422, 503)),
)


def lead_intake(request):         # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):      # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
