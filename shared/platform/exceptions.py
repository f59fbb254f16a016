"""Every error the product can answer with: one class per status and code, turned into the
contract's JSON envelope in exactly one place (shared/platform/http/routing.py, `serve`)."""


class AvenirError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, details: list | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}


class InvalidJson(AvenirError):
    status, code = 400, "invalid_json"


class Unauthorized(AvenirError):
    status, code = 401, "unauthorized"

    def __init__(self, message: str, **kwargs):
        super().__init__(message, **kwargs)
        self.headers.setdefault("WWW-Authenticate", "Bearer")


class Forbidden(AvenirError):
    status, code = 403, "forbidden"


class NotFound(AvenirError):
    status, code = 404, "not_found"


class MethodNotAllowed(AvenirError):
    status, code = 405, "method_not_allowed"


class Conflict(AvenirError):
    status, code = 409, "conflict"


class PayloadTooLarge(AvenirError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(AvenirError):
    status, code = 415, "unsupported_media_type"


# Why a field was refused: a 422 detail's `reason`, which a page says in its own language.
REASONS = ("required", "too_long", "too_short", "not_a_url", "not_an_email", "not_a_phone", "not_allowed",
           "out_of_range", "wrong_type", "unknown_field", "invalid")


class ValidationFailed(AvenirError):
    """422: `details` lists each field as {"field", "reason", "message"}; a detail made by hand
    without a reason is `invalid`."""

    status, code = 422, "validation_error"

    def __init__(self, message: str, details: list | None = None, **kwargs):
        if details is not None:
            details = [{"field": d["field"], "reason": d.get("reason", "invalid"), "message": d["message"]}
                       for d in details]
        super().__init__(message, details=details, **kwargs)


class IdempotencyKeyReuse(AvenirError):
    status, code = 422, "idempotency_key_reuse"


class IdempotencyKeyInFlight(Conflict):
    """A first delivery with this key is still being processed: retry shortly to get its response."""

    code = "idempotency_key_in_flight"

    def __init__(self, message: str, **kwargs):
        super().__init__(message, **kwargs)
        self.headers.setdefault("Retry-After", "1")


class TooManyAttempts(AvenirError):
    """Too many failed sign-ins for one email: wait Retry-After seconds."""

    status, code = 429, "too_many_attempts"

    def __init__(self, message: str, retry_after_seconds: int, **kwargs):
        super().__init__(message, **kwargs)
        self.headers.setdefault("Retry-After", str(max(1, retry_after_seconds)))


class TooManyPosts(TooManyAttempts):
    """A public form's rate limit (per sender and per form): wait Retry-After seconds."""

    code = "too_many_posts"


class Unavailable(AvenirError):
    """The database cannot be reached (or answered that it is busy): retry later."""

    status, code = 503, "unavailable"
    retry_after_seconds = 5

    def __init__(self, message: str = "The database is unavailable; retry later.", **kwargs):
        super().__init__(message, **kwargs)
        self.headers.setdefault("Retry-After", str(self.retry_after_seconds))


class ConfigError(Unavailable):
    """Connection settings are missing or malformed (bad DATABASE_URL, unreadable secret)."""
