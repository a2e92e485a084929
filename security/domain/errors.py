"""OAuth 2.0 errors of the token endpoint, named exactly as RFC 6749 section 5.2 names them."""

from __future__ import annotations

from enum import StrEnum


class OAuthErrorCode(StrEnum):
    INVALID_REQUEST = "invalid_request"  # missing, repeated or malformed parameter; unparsable assertion
    INVALID_CLIENT = "invalid_client"  # the client assertion does not authenticate a registered client
    INVALID_GRANT = "invalid_grant"  # an authenticated client that may not obtain tokens (not active)
    INVALID_SCOPE = "invalid_scope"  # malformed scope, or nothing requested that the client may have
    UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"  # anything but client_credentials


STATUS: dict[OAuthErrorCode, int] = {code: 400 for code in OAuthErrorCode} | {OAuthErrorCode.INVALID_CLIENT: 401}


class OAuthError(Exception):
    """A refused token request; ``description`` is safe to return to the client."""

    def __init__(self, code: OAuthErrorCode, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code, self.description = code, description

    @property
    def status(self) -> int:
        return STATUS[self.code]


def invalid_client(description: str) -> OAuthError:
    return OAuthError(OAuthErrorCode.INVALID_CLIENT, description)


def invalid_request(description: str) -> OAuthError:
    return OAuthError(OAuthErrorCode.INVALID_REQUEST, description)
