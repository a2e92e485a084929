"""``p2p token issue``: a short-lived bearer token for a steward or an operator, without a partner key."""

from __future__ import annotations

from typing import Annotated

import typer

from p2p.cli.common import UserError, friendly_errors, settings
from security.keys import load_signing_key
from security.principal import Role
from security.tokens import AccessTokens, person_principal

app = typer.Typer(help="Tokens for people (stewards, operators).", no_args_is_help=True)


@app.command()
@friendly_errors
def issue(
    role: Annotated[Role, typer.Option("--role", help="steward or operator.")],
    name: Annotated[str, typer.Option("--name", help="Your name (recorded as the actor).")],
    ttl: Annotated[
        int | None, typer.Option("--ttl", min=60, max=28800, help="Seconds (default P2P_AUTH_USER_TOKEN_TTL_S).")
    ] = None,
) -> None:
    """Print a short-lived bearer token for a steward or operator (signed with the service key)."""
    cfg = settings()
    try:
        principal = person_principal(role, name)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    tokens = AccessTokens(load_signing_key(cfg), cfg.auth_issuer, cfg.auth_clock_skew_s)
    token, _ = tokens.issue(principal, ttl or cfg.auth_user_token_ttl_s)
    print(token)
