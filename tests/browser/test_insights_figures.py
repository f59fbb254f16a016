"""The insights view's two sets of figures in Chromium, in English and in French: the nightly analysis's,
labelled with its run date, and the live ones, labelled as counted now over the chosen period; a
pattern's card is titled by what it is about; the conversions agree with the leads they are a share of."""
import datetime

import pytest
from selenium.webdriver.common.by import By

from tests.browser.dashboard import literal

MONTHS = {"en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December"],
          "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre"]}
WORDS = {
    "en": {"nightly": "From the nightly analysis", "run": "Figures of the nightly analysis of {date} (computed ",
           "live": "Live figures", "nightly_source": "Nightly analysis · ", "live_source": "Live · ",
           "tone": "Tone of the leads", "per_day": "Leads per day", "conversions": "Conversions",
           "spike": "More leads than usual", "pattern": "Pattern", "leads_total": "{n} leads from",
           "conversions_of": "of the period’s {n} leads"},
    "fr": {"nightly": "Selon l’analyse de la nuit", "run": "Chiffres de l’analyse de la nuit du {date} (calculés le ",
           "live": "Chiffres en direct", "nightly_source": "Analyse de la nuit · ", "live_source": "En direct · du ",
           "tone": "Ton des demandes", "per_day": "Demandes par jour", "conversions": "Conversions",
           "spike": "Plus de demandes que d’habitude", "pattern": "Tendance détectée", "leads_total": "{n} demandes du",
           "conversions_of": "des {n} demandes de la période"},
}


def long_date(day: datetime.date, language: str) -> str:
    month = MONTHS[language][day.month - 1]
    return f"{month} {day.day}, {day.year}" if language == "en" else f"{day.day} {month} {day.year}"


@pytest.fixture(scope="module")
def nightly(owner, admin, served):
    """Five leads this week and none before (a spike), one converted, and tonight's run for the owner."""
    for n in range(5):
        answer = served.post("/api/lead", {"name": f"Figure Lead {n}", "email": f"figure{n}@bardeaux.ca",
                                           "message": "Could you quote a new roof?"}, key=owner.api_key)
        assert answer.status == 201, answer.json
    tagged = served.post(f"/api/leads/{answer.json['lead_id']}/tag", {"tag": "Converted", "conversion_value": 7200},
                         key=owner.api_key)
    assert tagged.status == 200, tagged.json
    today = datetime.datetime.now(datetime.UTC).date()
    run = served.post("/api/intelligence/run", {"client_id": str(owner.client_id), "date": today.isoformat()},
                      key=admin.api_key)
    assert run.status == 200, run.json
    events = served.get("/api/insights", key=owner.api_key).json["events"]
    assert any((e["learning_snapshot"] or {}).get("pattern_type") == "volume_spike" for e in events)
    return today


def figures(dashboard, title: str):
    """The set of figures (the section) a heading names: the section labelled by that heading."""
    return dashboard.visible(f"//section[@aria-labelledby = //h2[normalize-space()={literal(title)}]/@id]",
                             f"figures {title!r}")


def chart(section, title: str):
    return section.find_element(By.XPATH, f".//figure[.//h3[normalize-space()={literal(title)}]]")


def asked_for(dashboard, path: str) -> bool:
    """Whether the page fetched `path` (its query included)."""
    return dashboard.driver.execute_script(
        "return performance.getEntriesByType('resource').some((e) => new URL(e.name).pathname"
        " + new URL(e.name).search === arguments[0])", path)


def check_labels(dashboard, language: str, run_date: datetime.date) -> None:
    words = WORDS[language]
    assert asked_for(dashboard, f"/api/insights?lang={language}")  # the insights' own texts in that language
    nightly = figures(dashboard, words["nightly"])
    run_line = nightly.find_element(By.XPATH, "./h2/following-sibling::p").text
    assert run_line.startswith(words["run"].format(date=long_date(run_date, language))), run_line
    tone = chart(nightly, words["tone"]).text
    assert words["nightly_source"] in tone and str(run_date.year) in tone
    titles = [h.text for h in nightly.find_elements(By.XPATH, ".//article/h3")]
    assert words["spike"] in titles and words["pattern"] not in titles, titles

    live = figures(dashboard, words["live"])
    for title in (words["per_day"], words["conversions"]):
        assert words["live_source"] in chart(live, title).text
    assert nightly.find_elements(By.XPATH, f".//h3[normalize-space()={literal(words['per_day'])}]") == []
    assert words["leads_total"].format(n=5) in chart(live, words["per_day"]).text
    assert words["conversions_of"].format(n=5) in chart(live, words["conversions"]).text


@pytest.mark.parametrize("width", [1366, 390])
def test_insights_say_which_figures_are_the_nightly_runs_and_which_are_live_in_both_languages(
        dashboard, owner, nightly, width):
    if width == 390:
        dashboard.phone()
    else:
        dashboard.desktop()
    dashboard.open("/")
    dashboard.sign_in(owner.email, owner.password)
    dashboard.link("Insights").click()
    dashboard.heading("Live figures")
    check_labels(dashboard, "en", nightly)
    dashboard.screenshot(f"insights-en-{width}")

    dashboard.button("Français").click()
    dashboard.wait(lambda d: asked_for(dashboard, "/api/insights?lang=fr") and dashboard.status() == "",
                   "the insights were not asked for again in French")
    dashboard.heading("Chiffres en direct")
    check_labels(dashboard, "fr", nightly)
    dashboard.screenshot(f"insights-fr-{width}")
