"""POST/GET /api/forms, PATCH/DELETE /api/forms/{form_id} over served HTTP: a client's public forms,
their keys, origins and embed snippet, under the client's own key or session."""
import pytest

from tests.helpers import ClientKey

pytestmark = pytest.mark.pooled

SITE = "https://toitures-laval.ca"


def create(api, client: ClientKey, **fields):
    return api.post("/api/forms", {"allowed_origins": [SITE], **fields}, key=client.api_key)


def test_a_new_form_has_a_public_key_the_defaults_and_a_ready_to_paste_snippet(api, client):
    response = create(api, client, name="Contact page", thank_you_url="https://toitures-laval.ca/merci")

    assert response.status == 201
    form = response.json
    assert form["form_key"].startswith("avf_") and client.api_key not in form["embed_html"]
    assert form["allowed_origins"] == [SITE]
    assert form["min_fill_seconds"] == 3 and form["enabled"] is True
    assert f'action="http://127.0.0.1:8080/f/{form["form_key"]}"' in form["embed_html"]
    assert 'name="_gotcha"' in form["embed_html"] and 'aria-hidden="true"' in form["embed_html"]
    assert f'src="http://127.0.0.1:8080/f/{form["form_key"]}/embed.js"' in form["embed_html"]


def test_an_origin_typed_in_capitals_is_kept_in_lower_case_as_a_browser_sends_it(api, client):
    form = create(api, client, allowed_origins=["  HTTPS://Toitures-Laval.CA/ "]).json

    assert form["allowed_origins"] == [SITE]
    changed = api.request("PATCH", f"/api/forms/{form['form_id']}",
                          {"allowed_origins": ["https://Www.Toitures-Laval.ca"]}, key=client.api_key)
    assert changed.status == 200 and changed.json["allowed_origins"] == ["https://www.toitures-laval.ca"]


@pytest.mark.parametrize(("typed", "kept"), [
    ("https://toitures-laval.ca:443", SITE), ("http://127.0.0.1:80/", "http://127.0.0.1"),
    ("https://toitures-laval.ca:8443", "https://toitures-laval.ca:8443"),
    ("https://rénovations-lévis.ca", "https://xn--rnovations-lvis-bnbl.ca")])
def test_an_origin_is_kept_as_a_browser_sends_it_without_its_default_port_and_in_ascii(api, client, typed, kept):
    assert create(api, client, allowed_origins=[typed]).json["allowed_origins"] == [kept]


@pytest.mark.parametrize("port", ["0", "65536", "99999"])
def test_an_origin_with_a_port_no_site_can_have_is_a_422(api, client, port):
    refused = create(api, client, allowed_origins=[f"https://toitures-laval.ca:{port}"])

    assert refused.status == 422 and refused.json["error"]["details"][0]["field"] == "allowed_origins[0]"


def test_a_french_form_speaks_french_and_labels_every_field(api, client):
    form = create(api, client, language="fr").json

    html = form["embed_html"]
    assert form["language"] == "fr"
    for label in ("Votre nom", "Courriel", "Téléphone (facultatif)", "Message", "Envoyer"):
        assert label in html
    for field in ("name", "email", "phone", "message"):
        assert f'for="avenir-{field}-' in html and f'id="avenir-{field}-' in html


@pytest.mark.parametrize("fields, field", [
    ({"allowed_origins": []}, "allowed_origins"),
    ({"allowed_origins": [f"https://site{i}.ca" for i in range(11)]}, "allowed_origins"),
    ({"allowed_origins": ["toitures-laval.ca"]}, "allowed_origins[0]"),
    ({"allowed_origins": ["https://toitures-laval.ca/contact"]}, "allowed_origins[0]"),
    ({"allowed_origins": [SITE], "thank_you_url": "javascript:alert(1)"}, "thank_you_url"),
    ({"allowed_origins": [SITE], "thank_you_url": "javascript.com:alert(1)"}, "thank_you_url"),
    ({"allowed_origins": [SITE], "thank_you_url": 'https://a"><script>alert(1)</script>.com/'}, "thank_you_url"),
    ({"allowed_origins": [SITE], "min_fill_seconds": 61}, "min_fill_seconds"),
    ({"allowed_origins": [SITE], "min_fill_seconds": -1}, "min_fill_seconds"),
    ({"allowed_origins": [SITE], "api_key": "x"}, "api_key"),
])
def test_bad_form_settings_are_a_422_naming_the_field_and_create_nothing(api, client, database, fields, field):
    before = database.scalar("SELECT count(*) FROM lead_forms")

    response = api.post("/api/forms", fields, key=client.api_key)

    assert response.status == 422
    assert field in [detail["field"] for detail in response.json["error"]["details"]]
    assert database.scalar("SELECT count(*) FROM lead_forms") == before


def test_the_list_shows_only_the_clients_own_forms_with_todays_stats(api, make_client):
    owner, other = make_client(), make_client("Plomberie Gagnon")
    mine = create(api, owner).json
    create(api, other)

    listed = api.get("/api/forms", key=owner.api_key).json["forms"]

    assert [form["form_id"] for form in listed] == [mine["form_id"]]
    assert listed[0]["stats"] == {"accepted_today": 0, "quarantined_today": 0, "blocked_today": 0}


def test_a_change_keeps_what_it_does_not_name_and_null_clears_the_thank_you_page(api, client):
    form = create(api, client, thank_you_url="https://toitures-laval.ca/merci").json

    changed = api.request("PATCH", f"/api/forms/{form['form_id']}",
                          {"min_fill_seconds": 5, "thank_you_url": None}, key=client.api_key)

    assert changed.status == 200
    assert changed.json["min_fill_seconds"] == 5 and changed.json["thank_you_url"] is None
    assert changed.json["allowed_origins"] == [SITE] and changed.json["form_key"] == form["form_key"]


@pytest.mark.parametrize("field", ["enabled", "allowed_origins", "min_fill_seconds", "language"])
def test_null_for_a_field_that_cannot_be_cleared_is_a_422_naming_it_and_changes_nothing(api, client, field):
    form = create(api, client, name="Contact page").json

    refused = api.request("PATCH", f"/api/forms/{form['form_id']}", {field: None, "name": "Renamed"},
                          key=client.api_key)

    assert refused.status == 422 and [d["field"] for d in refused.json["error"]["details"]] == [field]
    kept = next(f for f in api.get("/api/forms", key=client.api_key).json["forms"] if f["form_id"] == form["form_id"])
    assert kept["name"] == "Contact page" and kept["enabled"] is True


def test_another_clients_form_cannot_be_changed_or_deleted(api, client, make_client):
    form = create(api, make_client()).json

    assert api.request("PATCH", f"/api/forms/{form['form_id']}", {"enabled": False}, key=client.api_key).status == 404
    assert api.request("DELETE", f"/api/forms/{form['form_id']}", key=client.api_key).status == 404


def test_a_deleted_forms_key_stops_working_at_once(api, client):
    form = create(api, client).json

    assert api.request("DELETE", f"/api/forms/{form['form_id']}", key=client.api_key).status == 204
    assert api.get(f"/f/{form['form_key']}/token").status == 404
    assert api.request("DELETE", f"/api/forms/{form['form_id']}", key=client.api_key).status == 404


def test_a_form_key_is_no_api_key(api, client):
    form = create(api, client).json

    assert api.get("/api/leads", key=form["form_key"]).status == 401
    assert api.get("/api/forms", key=form["form_key"]).status == 401


def test_the_owners_session_manages_forms_too(api, make_client):
    owner = make_client(email="owner-forms@toitures-laval.ca", password="S3cret-pass!")
    token = api.post("/api/auth/login", {"email": "owner-forms@toitures-laval.ca", "password": "S3cret-pass!"}).json

    response = api.post("/api/forms", {"allowed_origins": [SITE]},
                        headers={"Authorization": f"Bearer {token['token']}"})

    assert response.status == 201
    assert api.get("/api/forms", key=owner.api_key).json["forms"][0]["form_id"] == response.json["form_id"]
