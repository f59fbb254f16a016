"""Secrets the product must read back (a client's SMTP password), encrypted with a key that is not in
the database: Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package)."""
import functools
import os

from shared.platform.exceptions import ConfigError

PREFIX = "fernet:"


@functools.lru_cache(maxsize=4)
def _fernet(key: str):
    from cryptography.fernet import Fernet  # here: only the paths that encrypt pay for the import

    try:
        return Fernet(key.encode())
    except ValueError:
        raise ConfigError("AVENIR_SECRET_KEY must be a Fernet key (32 url-safe base64 bytes).") from None


def _key() -> str:
    """AVENIR_SECRET_KEY, or the Secrets Manager secret AVENIR_SECRET_KEY_ARN names (in AWS)."""
    key = os.environ.get("AVENIR_SECRET_KEY")
    if key:
        return key
    arn = os.environ.get("AVENIR_SECRET_KEY_ARN")
    if arn:
        return _key_from_secret(arn)
    raise ConfigError("No encryption key: set AVENIR_SECRET_KEY (or AVENIR_SECRET_KEY_ARN in AWS).")


@functools.lru_cache(maxsize=2)
def _key_from_secret(arn: str) -> str:
    import boto3

    return boto3.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"].strip()


def new_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def encrypt(plain: str) -> str:
    return PREFIX + _fernet(_key()).encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    """A stored value back in clear; a value stored before encryption existed is returned as it is."""
    if not stored.startswith(PREFIX):
        return stored
    return _fernet(_key()).decrypt(stored[len(PREFIX):].encode()).decode()
