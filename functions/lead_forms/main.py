"""The owner's side of the front door: the client's public forms (POST/GET /api/forms, PATCH/DELETE
/api/forms/{form_id}) and the Spam folder's two actions (POST /api/leads/{lead_id}/not-spam, /spam)."""
import uuid

from shared.clients import credentials
from shared.leads import forms, quarantine
from shared.platform import http
from shared.platform.exceptions import NotFound


def create_form(req: http.Request) -> http.Response:
    """Create a public form

    Its `form_key` may sit in a web page: it only lets leads in, from `allowed_origins`."""
    return http.ok(forms.create(req.client, req.parse(forms.FormRequest)).model_dump(mode="json"), status=201)


def list_forms(req: http.Request) -> http.Response:
    """The client's forms, with today's posts"""
    return http.ok(forms.list_forms(req.client).model_dump(mode="json"))


def change_form(req: http.Request) -> http.Response:
    """Change a form (or disable it: `enabled` false)"""
    body = req.parse(forms.FormChange)
    return http.ok(forms.change(req.client, _form_id(req), body).model_dump(mode="json"))


def delete_form(req: http.Request) -> http.Response:
    """Delete a form: its key stops working at once"""
    forms.delete(req.client, _form_id(req))
    return http.no_content()


def release_lead(req: http.Request) -> http.Response:
    """Release a lead from the quarantine: its reply is queued as for a new lead"""
    return http.ok(quarantine.release(req.client, req.path_params["lead_id"]).model_dump(mode="json"))


def mark_spam(req: http.Request) -> http.Response:
    """Quarantine a lead: a reply still queued is cancelled"""
    return http.ok(quarantine.quarantine(req.client, req.path_params["lead_id"]).model_dump(mode="json"))


def _form_id(req: http.Request) -> uuid.UUID:
    try:
        return uuid.UUID(req.path_params["form_id"])
    except ValueError:
        raise NotFound(f"No form {req.path_params['form_id']} for this client.") from None


ROUTES = http.Routes(
    http.Route("POST", "/api/forms", create_form, auth=credentials.client, request=forms.FormRequest,
               responses={201: (forms.Form, "The form, with its key and its ready-to-paste HTML.")},
               errors=(400, 413, 415, 422, 503)),
    http.Route("GET", "/api/forms", list_forms, auth=credentials.client,
               responses={200: (forms.FormList, "The forms, oldest first.")}, errors=(503,)),
    http.Route("PATCH", "/api/forms/{form_id}", change_form, auth=credentials.client, request=forms.FormChange,
               responses={200: (forms.Form, "The form, changed.")}, errors=(400, 404, 413, 415, 422, 503)),
    http.Route("DELETE", "/api/forms/{form_id}", delete_form, auth=credentials.client,
               responses={204: (None, "Deleted.")}, errors=(404, 503)),
    http.Route("POST", "/api/leads/{lead_id}/not-spam", release_lead, auth=credentials.client, body_required=False,
               responses={200: (quarantine.SpamReview, "Released; `reply` says whether its reply was queued.")},
               errors=(404, 503)),
    http.Route("POST", "/api/leads/{lead_id}/spam", mark_spam, auth=credentials.client, body_required=False,
               responses={200: (quarantine.SpamReview, "Quarantined.")}, errors=(404, 503)),
)


def lead_forms(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
