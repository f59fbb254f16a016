"""What a business's web page tells the crawler (pure, no I/O): links that lead to its contact page
(English and French words), its forms and their kind, and the email addresses it publishes."""
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

# Words of a contact page's link or address, by how surely they lead to the contact form.
CONTACT_WORDS = {
    "contact": 3, "nous joindre": 3, "joindre": 3, "contactez": 3, "get in touch": 3, "ecrivez": 3, "reach us": 3,
    "soumission": 2, "devis": 2, "quote": 2, "estimate": 2, "estimation": 2, "request": 1,
    "rendez-vous": 1, "rendez vous": 1, "appointment": 1, "book": 1, "reservation": 1,
}
CAPTCHA_MARKERS = ("g-recaptcha", "recaptcha/api.js", "grecaptcha", "h-captcha", "hcaptcha.com",
                   "cf-turnstile", "challenges.cloudflare.com/turnstile")
# Form builders that draw the form with JavaScript: nothing in the HTML to submit.
JS_FORM_MARKERS = ("hbspt.forms.create", "js.hsforms.net", "embed.typeform.com", "data-tf-widget",
                   "form.jotform.com", "jotform.com/jsform", "paperform.co", "tally.so/widgets",
                   "cognitoforms.com", "formstack.com/forms/js", "wufoo.com/scripts/embed", "forms.zohopublic")
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])")
NOT_AN_EMAIL = re.compile(r"\.(png|jpe?g|gif|webp|svg|css|js)$", re.I)
EMAIL_NAMES = re.compile(r"e-?mail|courriel|adresse.?electronique", re.I)
HONEYPOT_NAMES = re.compile(r"honeypot|hp_|_hp|trap|bot.?field|leave.?(this|blank)|do.?not.?fill|url_confirm", re.I)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|left\s*:\s*-\d{3,}px", re.I)


@dataclass(frozen=True)
class FormField:
    name: str
    type: str  # the input's type, `textarea` or `select`
    value: str  # as the page fills it (hidden fields: the value copied, a CSRF nonce among them)
    role: str  # email, name, phone, message, hidden, honeypot, other


@dataclass(frozen=True)
class Form:
    action: str
    method: str
    fields: list[FormField] = field(default_factory=list)
    kind: str = "none"  # static (email field and a text area), captcha, newsletter, other

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Page:
    url: str
    links: list[tuple[int, str]]  # (contact-word weight, absolute URL) of the same host, best first
    forms: list[Form]
    emails: list[str]
    js_form: bool  # a JavaScript form builder's embed, nothing to submit in the HTML


def read(url: str, html: bytes) -> Page:
    """Read one fetched HTML page."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return Page(url, [], [], [], False)
    source = html.decode("utf-8", "replace").lower()
    captcha = any(marker in source for marker in CAPTCHA_MARKERS)
    forms = [_form(url, form, captcha) for form in root.forms]
    return Page(url, _contact_links(url, root), forms, _emails(root),
                any(marker in source for marker in JS_FORM_MARKERS))


def contact_weight(text: str) -> int:
    """How surely a link (its words and address) leads to a contact page: the best word's weight."""
    plain = _plain(text)
    return max((weight for word, weight in CONTACT_WORDS.items() if word in plain), default=0)


def _plain(text: str) -> str:
    """Lower case, accents removed, `-`/`_`/`/` as spaces: `Contactez-nous` and `/nous-joindre` read alike."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s_/.]+", " ", text).replace("rendez vous", "rendez-vous")


def _contact_links(url: str, root) -> list[tuple[int, str]]:
    host, found = urlsplit(url).netloc.lower(), {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        target = urljoin(url, href).split("#", 1)[0]
        if not href or href.startswith(("mailto:", "tel:", "javascript:")) or urlsplit(target).netloc.lower() != host:
            continue
        weight = contact_weight(f"{anchor.text_content()} {unquote(urlsplit(target).path)}")
        if weight and weight > found.get(target, 0):
            found[target] = weight
    return sorted(((w, u) for u, w in found.items()), key=lambda item: -item[0])


def _emails(root) -> list[str]:
    """mailto: links first, then addresses written in the text (never in scripts or styles)."""
    found = [unquote(a.get("href", "")[7:].split("?", 1)[0]).strip() for a in root.iter("a")
             if (a.get("href") or "").lower().startswith("mailto:")]
    for element in root.iter():
        if element.tag in ("script", "style") or not isinstance(element.tag, str):
            continue
        found += EMAIL.findall(element.text or "") + EMAIL.findall(element.tail or "")
    return list(dict.fromkeys(e for e in found if EMAIL.fullmatch(e) and not NOT_AN_EMAIL.search(e)))


def _form(url: str, form, captcha_on_page: bool) -> Form:
    fields = [_field(element) for element in form.inputs if element.get("name")]
    fields = [f for f in fields if f is not None]
    has_email = any(f.role == "email" for f in fields)
    has_message = any(f.type == "textarea" and f.role != "honeypot" for f in fields)
    markup = etree.tostring(form, encoding="unicode").lower()
    kind = ("captcha" if has_email and (captcha_on_page or any(m in markup for m in CAPTCHA_MARKERS)) and has_message
            else "static" if has_email and has_message else "newsletter" if has_email else "other")
    method = (form.get("method") or "get").strip().lower()
    return Form(urljoin(url, (form.get("action") or "").strip()) or url, method, fields, kind)


def _field(element) -> FormField | None:
    tag = element.tag
    kind = "textarea" if tag == "textarea" else "select" if tag == "select" else (element.get("type") or "text").lower()
    if kind in ("submit", "button", "image", "reset", "file"):
        return None
    name = element.get("name")
    label = " ".join(filter(None, (name, element.get("id"), element.get("placeholder"), element.get("autocomplete"))))
    value = element.get("value") or "" if tag == "input" else ""
    if tag == "select":
        options = [o.get("value", o.text_content()) for o in element.iter("option")]
        value = next((o for o in options if o), "")
    return FormField(name, kind, value, _role(element, kind, label))


def _role(element, kind: str, label: str) -> str:
    if kind == "hidden":
        return "honeypot" if HONEYPOT_NAMES.search(label) else "hidden"
    if _looks_hidden(element) or HONEYPOT_NAMES.search(label):
        return "honeypot"  # a field people cannot see: only a robot fills it
    plain = _plain(label)
    if kind == "email" or EMAIL_NAMES.search(plain):
        return "email"
    if kind == "textarea":
        return "message"
    if kind == "tel" or re.search(r"phone|tel|cell", plain):
        return "phone"
    if re.search(r"name|nom", plain):
        return "name"
    return "other"


def _looks_hidden(element) -> bool:
    """Hidden from people by its own style or an ancestor's, or taken out of the tab order unlabelled."""
    node = element
    while node is not None and node.tag != "form":
        if HIDDEN_STYLE.search(node.get("style") or "") or "hidden" in (node.get("class") or "").split() \
                or node.get("aria-hidden") == "true":
            return True
        node = node.getparent()
    return element.get("tabindex") == "-1" and element.get("autocomplete") == "off"
