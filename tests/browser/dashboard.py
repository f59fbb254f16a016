"""Driving the dashboard in Chromium the way a person does: controls found by their label, role and
visible text (never by CSS class), keyboard input, phone-sized screens, and screenshots."""
import base64
import json
import time
from pathlib import Path

from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.helpers import load_function

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
STATIC = Path(__file__).resolve().parents[2] / "functions" / "dashboard" / "static"
WAIT_SECONDS = 30  # the machine is shared: a sign-in (bcrypt) may wait for a CPU
# Installed before any script of the page runs: a call to alert() is recorded, never shown.
RECORD_ALERTS = "window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));"


def served_strings(language: str) -> dict[str, str]:
    """A language's strings as the dashboard serves them at /assets/<language>.json (made from the parts
    under static/i18n/<language>/)."""
    return json.loads(load_function("dashboard").ASSETS[f"{language}.json"])


def literal(text: str) -> str:
    """`text` as an XPath string literal, whatever quotes it holds."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


class Dashboard:
    """One browser tab on the dashboard of a served app."""

    def __init__(self, driver, base_url: str):
        self.driver, self.base_url = driver, base_url

    # --- navigation and waiting ------------------------------------------------------------

    def open(self, path: str = "/") -> "Dashboard":
        self.driver.get(self.base_url + path)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")
        return self

    def forget(self) -> None:
        """A fresh visit: no session, no remembered visit or language."""
        self.open("/")
        self.driver.execute_script("sessionStorage.clear(); localStorage.clear();")
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.open("/")

    def wait(self, condition, message: str = ""):
        return WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=[StaleElementReferenceException]).until(
            condition, message)

    def wait_for_text(self, text: str) -> None:
        self.wait(lambda d: text in d.find_element(By.TAG_NAME, "body").text, f"no visible text {text!r}")

    def wait_until_gone(self, text: str) -> None:
        self.wait(lambda d: text not in d.find_element(By.TAG_NAME, "body").text, f"{text!r} is still shown")

    def visible(self, xpath: str, what: str) -> WebElement:
        def find(driver):
            shown = [e for e in driver.find_elements(By.XPATH, xpath) if e.is_displayed()]
            return shown[0] if shown else False
        return self.wait(find, f"no visible {what}")

    # --- controls by label, role and text -----------------------------------------------------

    def field(self, label: str) -> WebElement:
        """The input, select or textarea a visible <label> with this text names."""
        found = self.visible(f"//label[normalize-space()={literal(label)}]", f"label {label!r}")
        return self.driver.find_element(By.ID, found.get_attribute("for"))

    def button(self, name: str) -> WebElement:
        return self.visible(f"//button[normalize-space()={literal(name)}]", f"button {name!r}")

    def link(self, name: str) -> WebElement:
        return self.visible(f"//a[normalize-space()={literal(name)}]", f"link {name!r}")

    def heading(self, text: str) -> WebElement:
        return self.visible(f"//*[self::h1 or self::h2 or self::h3][normalize-space()={literal(text)}]",
                            f"heading {text!r}")

    def region(self, label: str) -> WebElement:
        """A list, group or region by its accessible name (aria-label)."""
        return self.visible(f"//*[@aria-label={literal(label)}]", f"region {label!r}")

    def region_heading_list(self, heading: str) -> list[WebElement]:
        """The items of the list in the section a heading names (a lead's messages, its timeline)."""
        section = self.visible(f"//section[h2[normalize-space()={literal(heading)}]]", f"section {heading!r}")
        return section.find_elements(By.TAG_NAME, "li")

    def dialog(self) -> WebElement | None:
        shown = [d for d in self.driver.find_elements(By.TAG_NAME, "dialog") if d.get_attribute("open") is not None]
        return shown[0] if shown else None

    def status(self) -> str:
        return self.driver.find_element(By.XPATH, "//*[@role='status']").text

    def type_into(self, label: str, text: str) -> None:
        element = self.field(label)
        element.clear()
        element.send_keys(text)

    def choose(self, label: str, option: str) -> None:
        Select(self.field(label)).select_by_visible_text(option)

    def lead_entries(self) -> list[str]:
        """The text of each entry of the inbox's list, as it is now (no waiting)."""
        return [li.text for li in self.driver.find_elements(By.XPATH, "//ul[@aria-label]/li") if li.is_displayed()]

    def lead_names(self) -> list[str]:
        """The names of the leads listed in the inbox, in order."""
        return [a.text for a in self.driver.find_elements(By.XPATH, "//ul[@aria-label]/li//h2/a") if a.is_displayed()]

    # --- the owner's usual moves ------------------------------------------------------------------

    def sign_in(self, email: str, password: str, expect: str = "Inbox") -> None:
        self.type_into("Email", email)
        self.type_into("Password", password)
        self.button("Sign in").click()
        self.heading(expect)

    def search(self, text: str, label: str = "Search") -> None:
        self.type_into(label, text)
        self.field(label).send_keys(Keys.ENTER)

    # --- what the browser saw -----------------------------------------------------------------------

    def alerts(self) -> list[str]:
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            return [text]
        except NoAlertPresentException:
            return self.driver.execute_script("return window.__alerts || []")

    def overflow(self) -> int:
        """How much wider than the window the page is (0 when nothing scrolls sideways)."""
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")

    def phone(self, width: int = 390, height: int = 844) -> None:
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})

    def desktop(self, width: int = 1366, height: int = 900) -> None:
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def tab_to(self, name: str, limit: int = 80) -> None:
        """Press Tab until the control named `name` has the focus."""
        for _ in range(limit):
            self.tab()
            if self.focused()["name"] == name:
                return
        raise AssertionError(f"{name!r} was not reached in {limit} presses of Tab")

    def tab(self, times: int = 1, shift: bool = False) -> None:
        keys = ActionChains(self.driver)
        for _ in range(times):
            if shift:
                keys = keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT)
            else:
                keys = keys.send_keys(Keys.TAB)
        keys.perform()

    def focused(self) -> dict:
        """The focused element: its tag, accessible name and whether its focus ring is drawn."""
        return self.driver.execute_script("""
            const e = document.activeElement, style = getComputedStyle(e);
            const label = e.id && document.querySelector(`label[for="${e.id}"]`);
            return {tag: e.tagName.toLowerCase(), name: (label ? label.textContent : e.textContent).trim(),
                    ring: e.matches(':focus-visible')
                          && (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
                              || style.boxShadow !== 'none')};""")

    def screenshot(self, name: str, max_height: int = 3000) -> Path:
        """The page (beyond the window, down to max_height) as screenshots/<name>.png."""
        SCREENSHOTS.mkdir(exist_ok=True)
        time.sleep(0.2)  # let the last layout settle (fonts, SVG)
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1}})
        path = SCREENSHOTS / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
