"""Secrets the product must read back (a client's SMTP password), encrypted with a key that is not in
the database: Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package)."""
import functools

from shared.platform import settings
from shared.platform.exceptions import ConfigError

PREFIX = "fernet:"


@functools.lru_cache(maxsize=4)
def _fernet(key: str):
    from cryptography.fernet import Fernet  # here: only the paths that encrypt pay for the import

    try:
        return Fernet(key.encode())
    except ValueError:
        raise ConfigError("AVENIR_SECRET_KEY must be a Fernet key (32 url-safe base64 bytes).") from None


def new_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def encrypt(plain: str) -> str:
    return PREFIX + _fernet(settings.secret_key()).encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    """A stored value back in clear; a value stored before encryption existed is returned as it is."""
    if not stored.startswith(PREFIX):
        return stored
    return _fernet(settings.secret_key()).decrypt(stored[len(PREFIX):].encode()).decode()
