"""Who may call a route: the authenticators a route table names (`auth=credentials.client`). The
HTTP layer calls the route's authenticator before its handler and hands the client it returns on
the request; each says which error statuses it answers and which security schemes it takes, for
the OpenAPI document."""
import re
from collections.abc import Callable
from dataclasses import dataclass

from shared.clients import accounts, sessions
from shared.platform.exceptions import Forbidden, Unauthorized

# Every API key (avk_...) and session token (avs_...) is printable ASCII: anything else is unknown
# without a lookup (a NUL PostgreSQL would refuse, an unpaired surrogate no digest can encode).
_CREDENTIAL = re.compile(r"[\x21-\x7e]{1,500}")


@dataclass(frozen=True)
class Authenticator:
    find: Callable[[dict[str, str]], accounts.Client | None]  # from the request's headers
    errors: tuple[int, ...]
    schemes: tuple[str, ...]

    def __call__(self, request) -> accounts.Client | None:
        return self.find(request.headers)


def presented(headers: dict[str, str]) -> str | None:
    """The credential a request carries: `x-api-key`, else `Authorization: Bearer` (an API key or an
    owner's session token)."""
    credential = headers.get("x-api-key")
    if not credential:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        credential = token.strip() if scheme.lower() == "bearer" else None
    return credential or None


def _key_or_session(headers: dict[str, str], sessions_allowed: bool = True) -> accounts.Client:
    """The client whose API key or session token the request carries; 401 when missing, unknown,
    expired or rotated away."""
    credential = presented(headers)
    if not credential:
        raise Unauthorized("Missing credentials: send the API key in x-api-key or Authorization: Bearer, "
                           "or a session token as Bearer.")
    if not _CREDENTIAL.fullmatch(credential):
        raise Unauthorized("Unknown or rotated API key.")
    if not credential.startswith(sessions.TOKEN_PREFIX):
        client = accounts.authenticate(credential)
        if client is None:
            raise Unauthorized("Unknown or rotated API key.")
        return client
    if not sessions_allowed:
        raise Unauthorized("This route takes the client's API key, not a session token.")
    client = sessions.authenticate(credential)
    if client is None:
        raise Unauthorized("Unknown or expired session; sign in again.")
    return client


def _key_only(headers: dict[str, str]) -> accounts.Client:
    return _key_or_session(headers, sessions_allowed=False)


def _internal(headers: dict[str, str]) -> accounts.Client:
    client = _key_or_session(headers)
    if not client.is_internal:
        raise Forbidden("This route is only for the internal (admin) client.")
    return client


# Anyone: the sign-in, links mailed to leads (the token in the path is the credential), the dashboard's page.
public = Authenticator(lambda headers: None, errors=(), schemes=())
# A client, by its API key or an owner's session token.
client = Authenticator(_key_or_session, errors=(401,), schemes=("ApiKey", "Bearer"))
# A client's server by its API key only: the lead webhook (a session token is a 401).
api_key = Authenticator(_key_only, errors=(401,), schemes=("ApiKey", "Bearer"))
# The internal (admin) client: another client's valid credentials are a 403.
internal = Authenticator(_internal, errors=(401, 403), schemes=("ApiKey", "Bearer"))
