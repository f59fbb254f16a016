"""The front door (no key: the public form_key names the form): GET /f/{form_key}/token and
/embed.js, the CORS preflight OPTIONS /f/{form_key}, and POST /f/{form_key}, a website's form post
that becomes a lead through the same intake as POST /api/lead. CORS is answered here, per form."""
from shared.clients import credentials
from shared.leads import form_pages, forms, front_door
from shared.platform import http
from shared.platform.exceptions import AvenirError, NotFound, ValidationFailed

PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'",
                "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def post_form(req: http.Request) -> http.Response:
    """Post a lead from a web form

    Form-encoded, multipart (text fields) or JSON. A browser's post ends on the thank-you page (303
    to thank_you_url, or a bilingual page), or on a bilingual page saying why it was not sent; a
    fetch or JSON post gets {"ok": true} or the JSON error. Spam is answered the same way, and
    quarantined or blocked."""
    page, form = _wants_page(req), None
    try:
        form = _form(req)
        front_door.check_origin(form, req.headers.get("origin"), req.source_ip)
        fields = req.form_fields()
        if not front_door.caught_by_honeypot(form, fields, req.source_ip):
            front_door.submit(form, req.parse(front_door.FormLead, fields), req.source_ip)
    except AvenirError as e:
        if page:
            return _error_page(form.language if form else _language(req), e)
        if form is None:
            raise
        return _cors(form, req, http.error_response(e))
    if not page:
        return _cors(form, req, http.ok({"ok": True}))
    if form.thank_you_url:
        return http.Response(303, b"", {"Location": form.thank_you_url, "Content-Type": "text/plain"})
    return _page(form_pages.thank_you_page(form.language))


def form_preflight(req: http.Request) -> http.Response:
    """CORS preflight: allowed only for the form's origins"""
    return _cors(_form(req), req, http.Response(204, b""), preflight=True)


def form_token(req: http.Request) -> http.Response:
    """A signed issue time for the form's `_ts`"""
    form = _form(req)
    return _cors(form, req, http.ok(front_door.token(form)))


def form_script(req: http.Request) -> http.Response:
    """The snippet's script: fills `_ts` with a token issued now"""
    form = _form(req)
    script = form_pages.embed_js(form.form_key, front_door.token(form)["token"])
    return http.raw(script.encode(), "text/javascript; charset=utf-8", **{"Cache-Control": "no-store"})


def _form(req: http.Request):
    form = forms.find(req.path_params["form_key"])
    if form is None:
        raise NotFound("No such form, or it is disabled.")
    return form


def _wants_page(req: http.Request) -> bool:
    """A browser's own form post (a navigation), not a fetch and not JSON."""
    if req.headers.get("content-type", "").split(";")[0].strip().lower().endswith("json"):
        return False
    mode = req.headers.get("sec-fetch-mode")
    return mode == "navigate" if mode else "text/html" in req.headers.get("accept", "")


def _error_page(language: str, error: AvenirError) -> http.Response:
    """What a person whose post was refused reads: the fields to correct, or why it was not sent."""
    if isinstance(error, ValidationFailed):
        bad = [detail["field"].lstrip("_") for detail in error.details or []]
        return _page(form_pages.invalid_page(language, bad), 422)
    return _page(form_pages.refused_page(language, error.status), error.status, error.headers)


def _language(req: http.Request) -> str:
    """French first when the browser asks for it first (a form that cannot be found has no language)."""
    return "fr" if req.headers.get("accept-language", "").strip().lower().startswith("fr") else "en"


def _cors(form, req: http.Request, response: http.Response, preflight: bool = False) -> http.Response:
    origin = req.headers.get("origin")
    response.headers["Vary"] = "Origin"
    if form.allows(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        if preflight:
            response.headers.update({"Access-Control-Allow-Methods": "POST, OPTIONS",
                                     "Access-Control-Allow-Headers": "Content-Type, Accept",
                                     "Access-Control-Max-Age": "600"})
    return response


def _page(html: str, status: int = 200, headers: dict | None = None) -> http.Response:
    return http.raw(html.encode(), "text/html; charset=utf-8", status, **PAGE_HEADERS, **(headers or {}))


ROUTES = http.Routes(
    http.Route("POST", "/f/{form_key}", post_form, auth=credentials.public, request=front_door.FormLead,
               content_type="application/json",
               responses={200: (None, "Received (a fetch or JSON post: {\"ok\": true}; a browser: the page)."),
                          303: (None, "Received: on to the form's thank_you_url.")},
               errors=(400, 403, 404, 413, 415, 422, 429, 503)),
    http.Route("OPTIONS", "/f/{form_key}", form_preflight, auth=credentials.public, content_type="text/plain",
               responses={204: (None, "The preflight; allowed only for the form's origins.")}, errors=(404, 503)),
    http.Route("GET", "/f/{form_key}/token", form_token, auth=credentials.public,
               responses={200: (None, "{\"token\", \"issued_at\"}.")}, errors=(404, 503)),
    http.Route("GET", "/f/{form_key}/embed.js", form_script, auth=credentials.public,
               content_type="text/javascript", responses={200: (None, "The script.")}, errors=(404, 503)),
)


def public_forms(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
