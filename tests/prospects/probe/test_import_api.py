"""POST /api/prospects/import over real HTTP: CSV and JSON, rows matched as scoring matches them,
each bad row reported by number and reason, the limits, and who may call it."""
import json
import uuid

import pytest

IMPORT = "/api/prospects/import"


def site() -> str:
    return f"toitures-{uuid.uuid4().hex[:10]}.ca"


def csv_body(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def stored(database, host: str) -> list[dict]:
    return database.sql("SELECT * FROM prospect_candidates WHERE prospect_website_host(website) = :h", h=host)


def test_a_csv_with_a_header_row_creates_each_business(api, admin, database):
    first, second = site(), site()
    answer = api.post(IMPORT, raw=csv_body("business_name,website,contact_email,industry,region,language",
                                           f"Toitures Beauport,https://{first},info@{first},roofing,Québec,fr",
                                           f"Laval Plumbing,{second},,plumbing,Laval,en"),
                      content_type="text/csv", key=admin.api_key)
    assert answer.status == 200
    assert answer.json == {"created": 2, "updated": 0, "rejected": []}
    row = stored(database, first)[0]
    assert (row["business_name"], row["contact_email"], row["industry"], row["region"], row["language"]) == (
        "Toitures Beauport", f"info@{first}", "roofing", "Québec", "fr")
    assert row["response_score"] is None and row["last_tested"] is None  # imported, not tested
    assert stored(database, second)[0]["contact_email"] is None


def test_bad_rows_are_rejected_by_their_data_row_number_and_the_others_stored(api, admin, database):
    good = site()
    answer = api.post(IMPORT, raw=csv_body("business_name,website,contact_email,language",
                                           f"Good Roofing,{good},,en",
                                           "No Site Inc,,,en",
                                           f"Bad Email,{site()},not-an-email,en",
                                           f"Klingon,{site()},,tlh"),
                      content_type="text/csv", key=admin.api_key)
    assert answer.status == 200
    assert answer.json["created"] == 1
    rejected = answer.json["rejected"]
    assert [r["row"] for r in rejected] == [2, 3, 4]
    assert "website" in rejected[0]["reason"]
    assert "contact_email" in rejected[1]["reason"]
    assert "language" in rejected[2]["reason"]
    assert len(stored(database, good)) == 1


def test_a_stored_prospect_is_updated_not_duplicated_and_keeps_its_scores(api, admin, database):
    host = site()
    scored = api.post("/api/prospects/score", {"prospects": [{"business_name": "Gagnon", "website": f"http://{host}",
                      "test": {"has_autoresponder": True, "response_time_ms": 500, "is_personalized": True,
                               "is_generic": False}}]}, key=admin.api_key)
    assert scored.status == 200

    answer = api.post(IMPORT, {"prospects": [{"business_name": "Plomberie Gagnon", "website": f"HTTPS://WWW.{host}/",
                                              "region": "Lévis"}]}, key=admin.api_key)

    assert answer.json == {"created": 0, "updated": 1, "rejected": []}
    rows = stored(database, host)
    assert len(rows) == 1
    assert (rows[0]["business_name"], rows[0]["region"]) == ("Plomberie Gagnon", "Lévis")
    assert rows[0]["response_score"] == 100


def test_two_rows_for_one_site_in_one_import_make_one_prospect_the_later_row_winning(api, admin, database):
    host = site()
    answer = api.post(IMPORT, {"prospects": [{"business_name": "First", "website": host, "industry": "roofing"},
                                             {"business_name": "Second", "website": f"www.{host}"}]},
                      key=admin.api_key)
    assert answer.json == {"created": 1, "updated": 1, "rejected": []}
    rows = stored(database, host)
    assert [(r["business_name"], r["industry"]) for r in rows] == [("Second", "roofing")]


def test_a_csv_without_the_required_columns_is_a_422_and_writes_nothing(api, admin, database):
    before = database.one("SELECT count(*) AS n FROM prospect_candidates")["n"]
    answer = api.post(IMPORT, raw=csv_body("name,url", f"Toitures,{site()}"), content_type="text/csv",
                      key=admin.api_key)
    assert answer.status == 422
    assert {d["field"] for d in answer.json["error"]["details"]} == {"business_name", "website"}
    assert database.one("SELECT count(*) AS n FROM prospect_candidates")["n"] == before


def test_more_than_5000_rows_is_a_413_and_writes_nothing(api, admin, database):
    before = database.one("SELECT count(*) AS n FROM prospect_candidates")["n"]
    lines = ["business_name,website"] + [f"B{i},b{i}.ca" for i in range(5001)]
    answer = api.post(IMPORT, raw=csv_body(*lines), content_type="text/csv", key=admin.api_key)
    assert answer.status == 413
    assert database.one("SELECT count(*) AS n FROM prospect_candidates")["n"] == before


def test_5000_rows_are_accepted(api, admin, database):
    tag = uuid.uuid4().hex[:6]
    lines = ["business_name,website"] + [f"B{i},b{i}-{tag}.ca" for i in range(5000)]
    answer = api.post(IMPORT, raw=csv_body(*lines), content_type="text/csv", key=admin.api_key)
    assert answer.status == 200
    assert answer.json["created"] == 5000


def test_a_body_over_one_mebibyte_is_a_413(api, admin):
    body = json.dumps({"prospects": [{"business_name": "x" * 400, "website": "a.ca"}] * 2700}).encode()
    assert len(body) > 1024 * 1024
    assert api.post(IMPORT, raw=body, key=admin.api_key).status == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_another_content_type_is_a_415(api, admin, content_type):
    answer = api.post(IMPORT, raw=b"business_name,website\nA,a.ca\n", content_type=content_type, key=admin.api_key)
    assert answer.status == 415


def test_an_ordinary_client_may_not_import(api, client):
    answer = api.post(IMPORT, {"prospects": [{"business_name": "A", "website": "a.ca"}]}, key=client.api_key)
    assert answer.status == 403
