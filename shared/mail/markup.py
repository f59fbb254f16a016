"""HTML made in one place, as Jinja's autoescape does it: every value put into a template is escaped
unless it is Markup (HTML this module made, from values it escaped), so no value reaches a page or
an email's HTML part unescaped, and none is escaped twice."""
import html
import string
from collections.abc import Iterable


class Markup(str):
    """HTML known to be safe: made by fill(), escape() or join(); put into a template as it is."""

    __slots__ = ()


EMPTY = Markup("")


def escape(value: object) -> Markup:
    """Any value as HTML text: & < > " ' escaped; Markup as it is (escaped once, never twice)."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def fill(template: str, /, **values: object) -> Markup:
    """A string.Template of HTML written by us (code or shared/mail/templates/), every $name filled
    with its value escaped unless it is Markup."""
    return Markup(string.Template(template).substitute({name: escape(value) for name, value in values.items()}))


def join(parts: Iterable[object], separator: str = "") -> Markup:
    """The parts, each escaped unless Markup, one after the other with `separator` (HTML written by us)."""
    return Markup(separator.join(escape(part) for part in parts))


def replace(page: str, text: str, by: str) -> Markup:
    """An HTML page (made here, perhaps stored and read back) with the text `text`, wherever it was
    put in escaped, now saying `by`, escaped the same way."""
    return Markup(page.replace(escape(text), escape(by)))
