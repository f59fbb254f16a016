"""Browser fixtures: Debian's Chromium driven by chromedriver through selenium, headless, one browser
per test module against the full served app (the `server` fixture) and that module's database."""
import os
import shutil
import uuid
from dataclasses import dataclass

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from shared.clients import accounts
from tests.browser.dashboard import RECORD_ALERTS, Dashboard
from tests.helpers import Api

PASSWORD = "Toitures-2026!"


def _executable(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"{' / '.join(names)} not found: `make test` installs Debian's chromium and chromium-driver "
                f"(apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads, tmp_path_factory):
    options = Options()
    options.binary_location = _executable("chromium", "chromium-browser")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--lang=en-CA", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    # Chromium and chromedriver keep their profiles and scratch files in TMPDIR: this run's own
    # directory, removed with it, rather than /tmp itself.
    scratch = tmp_path_factory.mktemp("chromium")
    service = Service(_executable("chromedriver"), env={**os.environ, "TMPDIR": str(scratch)})
    driver = webdriver.Chrome(options=options, service=service)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_ALERTS})
    yield driver
    driver.quit()


@dataclass
class Owner:
    client_id: uuid.UUID
    api_key: str
    email: str
    password: str
    business_name: str


@pytest.fixture(scope="module")
def owner(database) -> Owner:
    """A client whose owner signs in with a known password."""
    email = f"owner-{uuid.uuid4().hex[:8]}@toitures-boreal.ca"
    client_id, key = accounts.create_client("Toitures Boréal", email, PASSWORD)
    return Owner(client_id, key, email, PASSWORD, "Toitures Boréal")


@pytest.fixture(scope="module")
def served(server) -> Api:
    return Api(server)


@pytest.fixture
def dashboard(browser, server) -> Dashboard:
    """The dashboard in a fresh state: no session, nothing remembered, a desktop-sized window."""
    page = Dashboard(browser, server)
    page.forget()
    return page


@pytest.fixture
def post_lead(served, owner):
    """post_lead(name, email, message, language=None, key=None) -> the webhook route's answer."""
    def post(name, email, message="", language=None, key=None):
        body = {"name": name, "email": email, "message": message}
        if language:
            body["language"] = language
        answer = served.post("/api/lead", body, key=key or owner.api_key)
        assert answer.status in (200, 201), answer.json
        return answer.json
    return post


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test leaves a screenshot of what the page showed: screenshots/FAILED-<test>.png."""
    outcome = yield
    page = item.funcargs.get("dashboard") if hasattr(item, "funcargs") else None
    if outcome.get_result().failed and call.when == "call" and page is not None:
        page.screenshot(f"FAILED-{item.name}")
