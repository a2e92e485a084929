"""Every setting of the service, read from the environment (prefix ``P2P_``) or a ``.env`` file.

One typed object, validated once at start-up. Secrets are ``SecretStr`` so they never
appear in a repr or a log line. An external Neo4j (Aura, a cluster, a container) is
chosen by setting ``P2P_NEO4J_URI`` (or the conventional ``NEO4J_URI``); otherwise the
project starts and uses its own local server.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Passwords that must never guard anything outside a developer's machine.
PLACEHOLDER_SECRETS = frozenset({"", "neo4j", "password", "changeme", "change-me", "p2p-local-dev"})
LOCAL_DEV_PASSWORD = "p2p-local-dev"


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="P2P_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    env: Environment = Field(Environment.DEV, description="dev, test or prod; prod refuses placeholder secrets.")

    # Neo4j connection. Unset URI = the local server this project starts.
    neo4j_uri: str | None = Field(
        None,
        validation_alias=AliasChoices("P2P_NEO4J_URI", "NEO4J_URI"),
        description="External Neo4j URI (bolt://, neo4j://, neo4j+s://). Unset: start the local server.",
    )
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("P2P_NEO4J_USER", "NEO4J_USER", "NEO4J_USERNAME"))
    neo4j_password: SecretStr = Field(
        SecretStr(LOCAL_DEV_PASSWORD), validation_alias=AliasChoices("P2P_NEO4J_PASSWORD", "NEO4J_PASSWORD")
    )
    neo4j_database: str = Field("neo4j", description="Database name; always passed explicitly to the driver.")
    neo4j_notifications: Literal["OFF", "WARNING", "INFORMATION"] = Field(
        "OFF", description="Lowest severity of server notifications (deprecations, hints) to log."
    )
    neo4j_query_timeout_s: float = Field(30.0, gt=0, description="Server-side timeout of one transaction.")

    # Local server (ignored when neo4j_uri is set).
    neo4j_home: Path = Field(PROJECT_ROOT / ".neo4j" / "home", description="Home, data and logs of the local server.")
    neo4j_lib: Path = Field(
        PROJECT_ROOT / "infra" / "neo4j" / "target" / "lib", description="Folder of the Neo4j jars from Maven Central."
    )
    neo4j_bolt_port: int = Field(7687, ge=1, le=65535)
    neo4j_http_port: int = Field(7474, ge=1, le=65535)
    neo4j_heap: str = Field("1g", pattern=r"^\d+[mMgG]$", description="JVM -Xms/-Xmx of the local server.")
    neo4j_pagecache: str = Field("512m", pattern=r"^\d+[mMgG]$", description="server.memory.pagecache.size.")
    neo4j_start_timeout_s: float = Field(120.0, gt=0)
    java_home: Path | None = Field(
        None,
        validation_alias=AliasChoices("P2P_JAVA_HOME", "JAVA_HOME"),
        description="JDK used for the local server (17+); default: java on PATH.",
    )

    api_host: str = Field("127.0.0.1", description="Address `p2p serve` listens on.")
    api_port: int = Field(8080, ge=1, le=65535, description="Port `p2p serve` listens on.")

    cypher_dir: Path = Field(PROJECT_ROOT / "cypher", description="Folder of the .cypher files.")
    data_dir: Path = Field(PROJECT_ROOT / "var", description="Generated data, model registry, reports.")

    # Audit ledger: checkpoint signing keys (never committed) and how often to checkpoint.
    audit_signing_key: Path | None = Field(
        None,
        description="Ed25519 private key (PEM, mode 0600, created on first use) that signs checkpoints. "
        "Default: <data_dir>/audit/keys/signing-key.pem.",
    )
    audit_public_keys_dir: Path | None = Field(
        None,
        description="Published public keys, one <key id>.pem each; verification trusts every key here. "
        "Default: <data_dir>/audit/keys/public.",
    )
    audit_checkpoint_interval_s: float = Field(
        3600.0, gt=0, description="Seconds between signed checkpoints of the chain head (when it has moved)."
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        schemes = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(schemes):
            raise ValueError(f"must start with one of {', '.join(schemes)}")
        return value

    @model_validator(mode="after")
    def _no_placeholder_secrets_outside_dev(self) -> Settings:
        if self.env is Environment.PROD and self.neo4j_password.get_secret_value() in PLACEHOLDER_SECRETS:
            raise ValueError("P2P_NEO4J_PASSWORD is a placeholder; set a real secret when P2P_ENV=prod")
        return self

    @property
    def uses_local_server(self) -> bool:
        return self.neo4j_uri is None

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_bolt_port}"

    @property
    def audit_signing_key_path(self) -> Path:
        return self.audit_signing_key or self.data_dir / "audit" / "keys" / "signing-key.pem"

    @property
    def audit_public_keys_path(self) -> Path:
        return self.audit_public_keys_dir or self.data_dir / "audit" / "keys" / "public"


class ConfigurationError(Exception):
    """A setting is missing or invalid; the message names the variable to fix."""


def _variable_name(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return "settings"
    name = "_".join(str(part) for part in loc)
    return name if name.isupper() else "P2P_" + name.upper()


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one readable message."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _variable_name(err["loc"])
            got = err.get("input")
            shown = "" if isinstance(got, dict) or "password" in where.lower() else f" (got {got!r})"
            problems.append(f"{where}: {err['msg']}{shown}")
        raise ConfigurationError("invalid configuration: " + "; ".join(problems)) from None
