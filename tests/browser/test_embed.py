"""The embed snippet in a real Chromium: pasted into a static page served from another local origin
(http://localhost:<port>, the API being http://127.0.0.1:<port>), filled and sent as a person does,
its post lands in the owner's inbox (not in the quarantine: the script stamped its load time), the
browser ends on the thank-you page, and the honeypot is hidden from people and screen readers alike."""
import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from infra.pgcluster import free_port

PAGE = """<!doctype html>
<html lang="{language}"><head><meta charset="utf-8"><title>Toitures Boréal — Contact</title></head>
<body><h1>Contact</h1>
{snippet}
</body></html>"""


@pytest.fixture
def site(tmp_path):
    """A static site on its own port, reached as http://localhost:<port>: another origin than the API."""
    port = free_port()
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield tmp_path, f"http://localhost:{port}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def form_on_site(served, owner, server, site, monkeypatch):
    """make(language) -> the site's page URL with the form's snippet pasted in, and the form."""
    monkeypatch.setenv("AVENIR_PUBLIC_URL", server)  # the snippet posts to the served app
    folder, origin = site

    def make(language: str):
        form = served.post("/api/forms", {"allowed_origins": [origin], "min_fill_seconds": 1, "language": language},
                           key=owner.api_key).json
        (folder / f"contact-{language}.html").write_text(PAGE.format(language=language, snippet=form["embed_html"]),
                                                         encoding="utf-8")
        return f"{origin}/contact-{language}.html", form
    return make


def field(browser, label: str):
    """The input a visible label names, as a person (or a screen reader) finds it."""
    element = browser.find_element(By.XPATH, f"//label[normalize-space()='{label}']")
    return browser.find_element(By.ID, element.get_attribute("for"))


def test_a_person_fills_the_pasted_form_on_another_site_and_the_lead_lands_in_the_inbox(browser, form_on_site,
                                                                                        served, owner):
    url, form = form_on_site("en")
    browser.get(url)
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.NAME, "_ts").get_attribute("value"))  # the script has run

    field(browser, "Your name").send_keys("Gwendolyn Ashford")
    field(browser, "Email").send_keys("gwendolyn.ashford@videotron.ca")
    field(browser, "Phone (optional)").send_keys("514 555 0142")
    field(browser, "Message").send_keys("Hello, could you quote a new roof for our cottage in Saint-Sauveur?")
    time.sleep(1.2)  # the form's min_fill_seconds: a person takes at least that long
    browser.find_element(By.XPATH, "//button[normalize-space()='Send']").click()

    WebDriverWait(browser, 10).until(lambda d: "Thank you, your message was sent." in d.page_source)
    assert "Merci, votre message a été envoyé." in browser.page_source
    inbox = served.get("/api/leads", key=owner.api_key).json["leads"]
    lead = next(lead for lead in inbox if lead["email"] == "gwendolyn.ashford@videotron.ca")
    assert lead["name"] == "Gwendolyn Ashford" and lead["spam_status"] == "ok"
    assert served.get(f"/api/leads/{lead['lead_id']}", key=owner.api_key).json["lead"]["phone"] == "+15145550142"


def test_the_french_snippet_is_labelled_in_french_and_hides_the_honeypot_from_everyone(browser, form_on_site):
    url, _ = form_on_site("fr")
    browser.get(url)

    for label in ("Votre nom", "Courriel", "Téléphone (facultatif)", "Message"):
        assert field(browser, label).is_displayed()
    gotcha = browser.find_element(By.NAME, "_gotcha")
    hidden_box = gotcha.find_element(By.XPATH, "ancestor::*[@aria-hidden='true']")
    assert hidden_box.rect["x"] + hidden_box.rect["width"] <= 0  # off the screen for people
    assert gotcha.get_attribute("tabindex") == "-1"  # and out of the keyboard's way
    assert browser.find_element(By.XPATH, "//button[normalize-space()='Envoyer']").is_displayed()
    scripts = [s.get_attribute("src") for s in browser.find_elements(By.TAG_NAME, "script")]
    assert len(scripts) == 1 and scripts[0].endswith("/embed.js")  # no third-party script
