"""A prospect's identity: its website's host, else its contact email, compared as
schema/006_prospect_identity.sql computes the same in SQL (prospect_website_host, prospect_email_key)."""
import re
import string

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_HOST_STEPS = [(re.compile(pattern), "") for pattern in (
    r"^([a-z][a-z0-9+.-]*:)?//",  # scheme
    r"[/?#].*$",                  # path, query, fragment
    r"^.*@",                      # user info
    r":[0-9]*$",                  # port
    r"\.+$",                      # trailing dots of a fully qualified name
    r"^www\.",
)]


def website_host(website: str) -> str | None:
    """The host that identifies a prospect's website: `HTTPS://WWW.Example.ca:443/contact/?q=1`
    and `example.ca` are both `example.ca`. Scheme, user info, port, path, query, fragment,
    trailing dots and one leading `www.` are ignored; lower-casing is ASCII-only. The port is
    ignored because a business is its host, whichever port a crawler happened to reach it on.
    Mirrors SQL prospect_website_host()."""
    host = website.strip().translate(_ASCII_LOWER)
    for pattern, replacement in _HOST_STEPS:
        host = pattern.sub(replacement, host, count=1)
    return host or None


def email_key(contact_email: str) -> str | None:
    """A contact email compared case-insensitively (ASCII). Mirrors SQL prospect_email_key()."""
    return contact_email.strip().translate(_ASCII_LOWER) or None
