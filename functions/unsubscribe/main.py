"""GET and POST /u/{token}: the unsubscribe link every follow-up reply and outreach email carries;
GET /o/{token}.gif: an outreach email's open pixel. No key: the token is the credential. GET /u shows
one button; POST (that button, or a mail client's RFC 8058 `List-Unsubscribe=One-Click`) unsubscribes
at once; an unknown token is a 404 page."""
from shared.clients import credentials
from shared.mail import unsubscribe as links  # `unsubscribe` is the functions-framework target below
from shared.platform import http
from shared.prospects import outreach


def unsubscribe_page(req: http.Request) -> http.Response:
    """Unsubscribe page (the link in a reply)

    No key. A page with one button that unsubscribes the email the reply went to from that client's
    replies; a 404 page for an unknown or expired link."""
    return links.confirm_page(req.path_params["token"]).response()


def unsubscribe_now(req: http.Request) -> http.Response:
    """Unsubscribe at once (the page's button, or one-click)

    No key. The body (the button's empty form, or RFC 8058's `List-Unsubscribe=One-Click`,
    form-encoded) is not needed: any POST to a valid link unsubscribes; repeating it changes nothing."""
    req.read_body()
    return links.unsubscribe(req.path_params["token"]).response()


def open_pixel(req: http.Request) -> http.Response:
    """Open pixel of an outreach email

    No key. Always a 1x1 transparent GIF (an unknown token too: an image that fails to load says
    nothing useful to anyone); the first fetch of a sent email's pixel marks it opened."""
    # API Gateway routes the whole segment (`/o/{token}`): its pathParameters carry `<token>.gif`.
    outreach.record_open(req.path_params["token"].removesuffix(".gif"))
    return http.raw(PIXEL, "image/gif", **PIXEL_HEADERS)


# The smallest transparent 1x1 GIF (GIF89a, one-colour palette, transparency extension).
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
PIXEL_HEADERS = {"Cache-Control": "no-store, max-age=0", "X-Content-Type-Options": "nosniff"}


ROUTES = http.Routes(
    http.Route("GET", "/u/{token}", unsubscribe_page, auth=credentials.public, content_type="text/html",
               responses={200: (None, "The page with its button."), 404: (None, "Unknown or expired link.")},
               errors=(503,)),
    http.Route("POST", "/u/{token}", unsubscribe_now, auth=credentials.public,
               content_type="text/html", body_required=False,
               responses={200: (None, "Unsubscribed."), 404: (None, "Unknown or expired link.")},
               errors=(413, 503)),
    http.Route("GET", "/o/{token}.gif", open_pixel, auth=credentials.public, content_type="image/gif",
               responses={200: (None, "A 1x1 transparent GIF.")}, errors=(503,)),
)


def unsubscribe(request):         # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):      # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
