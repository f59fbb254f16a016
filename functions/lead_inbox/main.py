"""GET /api/leads and GET /api/leads/{lead_id}: the owner's inbox, newest first, filtered and
paged (or one CSV file), and a lead's whole story: every message, action and growth event."""
from shared.clients import credentials
from shared.leads import inbox
from shared.platform import http


def list_leads(req: http.Request) -> http.Response:
    """List the client's leads, newest first

    Filters combine; `next_cursor` pages without repeating or skipping a lead while leads arrive.
    With `Accept: text/csv`, every matching lead (at most 100,000) as one CSV file, UTF-8 with a
    byte-order mark."""
    client = req.client
    query = req.parse(inbox.InboxQuery, req.query)
    if "text/csv" in req.headers.get("accept", ""):
        return http.raw(inbox.csv_file(client, query), "text/csv; charset=utf-8",
                        **{"Content-Disposition": 'attachment; filename="leads.csv"'})
    return http.ok(inbox.page(client, query).model_dump(mode="json"))


def lead_story(req: http.Request) -> http.Response:
    """Read a lead's whole story

    The lead, every message it sent with its enrichment, its actions and its growth events, each
    list oldest first."""
    client = req.client
    query = req.parse(inbox.StoryQuery, req.query)
    return http.ok(inbox.story(client, req.path_params["lead_id"], query).model_dump(mode="json"))


ROUTES = http.Routes(
    http.Route("GET", "/api/leads", list_leads, auth=credentials.client, query=inbox.InboxQuery,
               responses={200: (inbox.InboxPage, "A page of leads (or, with Accept: text/csv, a CSV file).")},
               errors=(422, 503)),
    http.Route("GET", "/api/leads/{lead_id}", lead_story, auth=credentials.client, query=inbox.StoryQuery,
               responses={200: (inbox.LeadStory, "The lead and its story.")}, errors=(404, 422, 503)),
)


def lead_inbox(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
