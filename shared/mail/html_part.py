"""A reply's HTML part, made from its text part: every character escaped, paragraphs as <p>, "- "
lines as a list, and only the links it is given made clickable (templates/reply.html around them)."""
import functools
import re
from pathlib import Path

from shared.mail import markup

SIGNATURE_SEPARATOR = re.compile(r"^-- ?$", re.M)


def as_html(text: str, subject: str, language: str, links: list[str],
            end: markup.Markup = markup.EMPTY) -> markup.Markup:
    """The text part as HTML: every character escaped, paragraphs as <p>, "- " lines as a list, and
    only the given links (the client's booking link, the unsubscribe link) made clickable; `end`
    closes the body (outreach's open pixel)."""
    body, footer = (*SIGNATURE_SEPARATOR.split(text, maxsplit=1), "")[:2]
    return markup.fill(_page(), language=language, subject=subject,
                       content=_html_blocks(body, links), footer=_html_blocks(footer, links), end=end)


def _html_blocks(text: str, links: list[str]) -> markup.Markup:
    blocks = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        items = [_linked(line[2:], links) for line in lines if line.startswith("- ")]
        if items and len(items) == len(lines) - 1 and not lines[0].startswith("- "):
            blocks.append(markup.fill("<p>$lead_in</p>\n<ul>$items</ul>", lead_in=_linked(lines[0], links),
                                      items=_list_items(items)))
        elif items and len(items) == len(lines):
            blocks.append(markup.fill("<ul>$items</ul>", items=_list_items(items)))
        else:
            blocks.append(markup.fill("<p>$lines</p>", lines=markup.join((_linked(line, links) for line in lines),
                                                                          "<br>\n")))
    return markup.join(blocks, "\n")


def _list_items(items: list[markup.Markup]) -> markup.Markup:
    return markup.join(markup.fill("<li>$item</li>", item=item) for item in items)


def _linked(line: str, links: list[str]) -> markup.Markup:
    """A line as HTML, the given links in it made clickable: one pass, longest link first, so a link
    inside another is never linked twice."""
    if not links:
        return markup.escape(line)
    known = re.compile("|".join(re.escape(url) for url in sorted(links, key=len, reverse=True)))
    parts, last = [], 0
    for found in known.finditer(line):
        parts += [line[last:found.start()], markup.fill('<a href="$url">$url</a>', url=found.group())]
        last = found.end()
    return markup.join([*parts, line[last:]])


def is_web_link(url: str) -> bool:
    return re.match(r"^https?://[^\s<>\"']+$", url, re.I) is not None


@functools.cache
def _page() -> str:
    return (Path(__file__).resolve().parent / "templates" / "reply.html").read_text(encoding="utf-8")
