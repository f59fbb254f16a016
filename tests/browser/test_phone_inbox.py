"""The inbox on a 390 x 844 phone in Chromium, measured: the first screen shows at least four leads
(their tops inside the window, before any scrolling), the search and filters fold away behind one
toggle, and the menu fits on one line in French and in English."""
import pytest
from selenium.webdriver.common.by import By

WIDTH, HEIGHT = 390, 844
MESSAGES = [
    "Water is dripping through the kitchen ceiling since the storm last night, can someone come today?",
    "Bonjour, j'aimerais une soumission pour refaire le bardeau de ma maison à Laval ce printemps.",
    "Could you quote a metal roof for a two-storey house in Boisbriand? We plan the work for June.",
    "Nos gouttières débordent à chaque pluie, pouvez-vous passer les inspecter la semaine prochaine?",
    "I need an inspection report for the roof before we sign the purchase offer on Friday.",
    "Est-ce que vous faites le déneigement de toitures plates pour les commerces?",
]


@pytest.fixture(scope="module")
def leads(served, owner):
    for n, message in enumerate(MESSAGES):
        answer = served.post("/api/lead", {"name": f"Phone Lead {n} Bélanger-Tremblay", "message": message,
                                           "email": f"phone.lead{n}@courriel-exemple.ca"}, key=owner.api_key)
        assert answer.status == 201, answer.json


def leads_on_first_screen(dashboard) -> int:
    """How many entries of the inbox's list start inside the window, at the top of the page."""
    return dashboard.driver.execute_script("""
        window.scrollTo(0, 0);
        const list = document.querySelector('ul[aria-label]');
        return [...list.children].filter((li) => li.getBoundingClientRect().top < window.innerHeight).length;""")


def menu_rows(dashboard) -> tuple[int, float]:
    """How many rows the menu's links take, and how far right its last link ends."""
    boxes = dashboard.driver.execute_script("""
        return [...document.querySelectorAll('nav a')].filter((a) => a.offsetParent)
          .map((a) => a.getBoundingClientRect()).map((r) => [Math.round(r.top), r.right]);""")
    return len({top for top, _ in boxes}), max(right for _, right in boxes)


def show_inbox(dashboard, owner, title: str) -> None:
    dashboard.phone(WIDTH, HEIGHT)
    dashboard.open("/")
    dashboard.sign_in(owner.email, owner.password, expect="Inbox")
    if title != "Inbox":
        dashboard.button("Français").click()
    dashboard.heading(title)
    dashboard.wait(lambda d: len(dashboard.lead_names()) >= len(MESSAGES))


@pytest.mark.parametrize(("language", "title", "toggle", "search"), [
    ("en", "Inbox", "Search and filters", "Search"),
    ("fr", "Boîte de réception", "Recherche et filtres", "Rechercher")])
def test_the_first_screen_of_a_phone_shows_four_leads_under_a_one_line_menu(
        dashboard, owner, leads, language, title, toggle, search):
    show_inbox(dashboard, owner, title)
    rows, right = menu_rows(dashboard)
    assert (rows, right <= WIDTH) == (1, True), f"the menu takes {rows} rows and ends at {right} px"
    shown = leads_on_first_screen(dashboard)
    dashboard.screenshot(f"phone-inbox-{language}", max_height=HEIGHT)
    assert shown >= 4, f"{shown} leads start on the first screen"
    assert not dashboard.driver.find_element(By.XPATH, "//input[@type='search']").is_displayed()

    opener = dashboard.button(toggle)
    assert opener.get_attribute("aria-expanded") == "false"
    opener.click()
    assert opener.get_attribute("aria-expanded") == "true"
    dashboard.search("gouttières" if language == "fr" else "metal roof", label=search)
    dashboard.wait(lambda d: len(dashboard.lead_names()) == 1)
    dashboard.screenshot(f"phone-inbox-filters-{language}", max_height=HEIGHT)


def sign_in_in_french_on_a_phone(dashboard, who, width: int = WIDTH) -> None:
    dashboard.phone(width, HEIGHT)
    dashboard.open("/")
    dashboard.button("Français").click()
    dashboard.type_into("Courriel", who.email)
    dashboard.type_into("Mot de passe", who.password)
    dashboard.button("Se connecter").click()
    dashboard.heading("Boîte de réception")


def test_the_internal_clients_four_item_menu_fits_one_line_in_french_on_a_phone(dashboard, admin):
    sign_in_in_french_on_a_phone(dashboard, admin)
    dashboard.link("Prospects")
    rows, right = menu_rows(dashboard)
    dashboard.screenshot("phone-internal-menu-fr", max_height=200)
    assert (rows, right <= WIDTH) == (1, True), f"the menu takes {rows} rows and ends at {right} px"


@pytest.mark.parametrize("narrowest", [360, 375])
def test_the_french_menu_fits_one_line_on_the_narrowest_common_phones(dashboard, owner, admin, narrowest):
    """360 px (most Android phones) and 375 px (the small iPhones), the owner's and the internal client's."""
    for who in (owner, admin):
        sign_in_in_french_on_a_phone(dashboard, who, narrowest)
        rows, right = menu_rows(dashboard)
        assert (rows, right <= narrowest) == (1, True), f"the menu takes {rows} rows and ends at {right} px"
        dashboard.button("Se déconnecter").click()
        dashboard.button("English").click()
