"""The AWS Lambda runtime: API Gateway HTTP API (payload 2.0) events, and EventBridge scheduled
events for the functions that also run on a schedule."""
import base64

from shared.platform.http.request import Request, request_id
from shared.platform.http.routing import SCHEDULE, Routes, serve
from shared.platform.http.schedule import raise_when_failed


def is_scheduled(event: dict) -> bool:
    """An EventBridge scheduled event, or an SQS batch asking for the same run now (the follow-up
    sender's wake-up, shared/mail/wake.py); not an API Gateway call."""
    if "rawPath" in event:
        return False
    records = event.get("Records")
    if records:
        return all(record.get("eventSource") == "aws:sqs" for record in records)
    return bool(event.get("source")) and "detail-type" in event


def from_lambda(event: dict) -> Request:
    """An API Gateway HTTP API (payload 2.0) event, or an EventBridge scheduled event."""
    if is_scheduled(event):
        return Request(method=SCHEDULE[0], path=SCHEDULE[1], headers={}, scheduled_event=event,
                       request_id=request_id(event.get("id")))
    context = event.get("requestContext") or {}
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    body = event.get("body") or ""
    body = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    path = event.get("rawPath") or context.get("http", {}).get("path", "/")
    stage = context.get("stage")
    if stage and stage != "$default" and path.startswith(f"/{stage}/"):
        path = path[len(stage) + 1:]
    return Request(method=context.get("http", {}).get("method", "GET").upper(), path=path, headers=headers,
                   query=dict(event.get("queryStringParameters") or {}), body=body,
                   path_params=dict(event.get("pathParameters") or {}),
                   request_id=request_id(context.get("requestId")))


def serve_lambda(event: dict, routes: Routes) -> dict:
    """A Lambda answer: JSON and text as they are, other bytes base64-encoded (API Gateway decodes them)."""
    response = serve(from_lambda(event), routes)
    body = b"".join(response.chunks())
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith(("application/json", "text/")) or "javascript" in content_type:
        return {"statusCode": response.status, "headers": response.headers, "body": body.decode(),
                "isBase64Encoded": False}
    return {"statusCode": response.status, "headers": response.headers,
            "body": base64.b64encode(body).decode(), "isBase64Encoded": True}


def serve_scheduled_lambda(event: dict, routes: Routes, job: str) -> dict:
    """serve_lambda for a function that EventBridge also calls on a schedule: a failed scheduled run
    raises (an HTTP call gets its answer as it is)."""
    result = serve_lambda(event, routes)
    if is_scheduled(event):
        raise_when_failed(result["statusCode"], job)
    return result
