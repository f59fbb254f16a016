"""GET /api/insights and GET /api/analytics: what last night's run found for the client, and the
client's leads, tags, urgency, intents and conversions over its own days."""
from shared.clients import credentials
from shared.growth import insights
from shared.platform import http


def read_insights(req: http.Request) -> http.Response:
    """Read a night's insights

    That run date's rows (default: the client's latest run; `run_date` null when there is none),
    plus the conversion and reversion events of the 30 days before it."""
    client = req.client
    query = req.parse(insights.InsightsQuery, req.query)
    return http.ok(insights.insights(client, query).model_dump(mode="json"))


def read_analytics(req: http.Request) -> http.Response:
    """Read the client's figures over the last days

    Test and deleted leads excluded; days are the client's `timezone` days, every day present."""
    client = req.client
    query = req.parse(insights.AnalyticsQuery, req.query)
    return http.ok(insights.analytics(client, query).model_dump(mode="json", by_alias=True))


ROUTES = http.Routes(
    http.Route("GET", "/api/insights", read_insights, auth=credentials.client, query=insights.InsightsQuery,
               responses={200: (insights.Insights, "The run's events.")}, errors=(422, 503)),
    http.Route("GET", "/api/analytics", read_analytics, auth=credentials.client, query=insights.AnalyticsQuery,
               responses={200: (insights.Analytics, "The period's figures.")}, errors=(422, 503)),
)


def growth_insights(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
