"""The tokens of the links an email carries (unsubscribe, /u/{token}; outreach's open pixel,
/o/{token}.gif): random, stored only as their SHA-256 digest, and looked up only when well formed."""
import hashlib
import re
import secrets

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")  # secrets.token_urlsafe's alphabet


def new() -> str:
    return secrets.token_urlsafe(24)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    """Could be a token made by new(): anything else is answered as unknown without a lookup."""
    return TOKEN.match(token) is not None
