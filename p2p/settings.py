"""Every setting of the service, read from the environment (prefix ``P2P_``) or a ``.env`` file.

One typed object, validated once at start-up. Secrets are ``SecretStr`` so they never
appear in a repr or a log line. An external Neo4j (Aura, a cluster, a container) is
chosen by setting ``P2P_NEO4J_URI`` (or the conventional ``NEO4J_URI``); otherwise the
project starts and uses its own local server.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from exchange.domain.faults import FaultPlan

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
    neo4j_database: str = Field(
        "neo4j",
        pattern=r"^[A-Za-z][A-Za-z0-9.\-]{2,62}$",
        description="Database name (Aura: neo4j); always passed explicitly to the driver.",
    )
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

    # This payer: $member-match answers only with our own members.
    payer_id: str = Field("payer-a", min_length=1, description="Our payer id, as our source records carry it.")
    payer_name: str = Field("Payer A", min_length=1, description="Our name, shown in FHIR resources.")
    payer_identifiers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://hl7.org/fhir/sid/us-npi|1000000004"],
        description="Our organisation identifiers as system|value, comma-separated (consent source, payor).",
    )
    fhir_base_url: str = Field("http://127.0.0.1:8080/fhir", description="Public base URL of our FHIR endpoints.")
    member_data_dir: Path | None = Field(
        None,
        description="Our members FHIR history (payer_id=/resource_type= Parquet); default <data_dir>/member-data.",
    )
    hrex_version: Literal["1.0.0", "1.1.0", "1.2.0"] = Field(
        "1.1.0", description="HRex $member-match rules and output: 1.0.0 (STU1, MB) or 1.1.0/1.2.0 (UMB, MemberId)."
    )
    model: str | None = Field(None, description="Model version or file for real-time scoring; default: published.")
    sensitive_data_filtering: bool = Field(
        True, description="We can withhold sensitive data, so #regular consent can be honoured."
    )
    member_match_requires_consent: bool = Field(True, description="Refuse $member-match without a Consent (422).")
    member_match_require_coverage_id: bool = Field(
        True, description="A unique match needs the card's member or subscriber id to agree with our record."
    )
    member_match_close_second_bits: float = Field(
        5.0, ge=0, description="A second member within this many bits of the best makes the answer ambiguous."
    )
    member_match_window_s: int = Field(3600, gt=0, description="Brute-force window for one person's demographics.")
    member_match_max_card_variants: int = Field(
        3, ge=1, description="Distinct card data allowed for the same demographics in the window (HRex mm-7)."
    )
    term_frequency_refresh_s: float = Field(600.0, gt=0, description="How often real-time term frequencies refresh.")
    fingerprint_key: SecretStr = Field(
        SecretStr(LOCAL_DEV_PASSWORD), description="HMAC key for demographic fingerprints (no PHI stored in clear)."
    )

    @field_validator("payer_identifiers", mode="before")
    @classmethod
    def _split_identifiers(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list) and any("|" not in str(v) for v in value):
            raise ValueError("each identifier must be system|value")
        return value

    # Partner security (SMART Backend Services tokens, limits, TLS). See README, "Security".
    auth_issuer: str = Field(
        "payer-exchange", min_length=1, description="iss and aud of the access tokens this service signs."
    )
    auth_token_url: str | None = Field(
        None,
        description="Public URL of POST /auth/token (the aud of client assertions); unset: taken from the request.",
    )
    auth_signing_key: SecretStr | None = Field(
        None, description="PEM of the service's EC P-384 signing key; unset: a key generated once in the data dir."
    )
    auth_token_ttl_s: int = Field(300, ge=30, le=3600, description="Lifetime of a partner's access token.")
    auth_user_token_ttl_s: int = Field(
        900, ge=60, le=28800, description="Default lifetime of a steward's or operator's token (`p2p token issue`)."
    )
    auth_clock_skew_s: int = Field(10, ge=0, le=120, description="Clock difference tolerated on assertion times.")
    auth_key_overlap_s: int = Field(
        86400, ge=0, description="How long a partner's previous keys stay valid after `p2p partner rotate-key`."
    )
    auth_status_cache_s: float = Field(
        2.0,
        ge=0,
        le=10,
        description="How long a partner's status is cached per process (suspension takes effect after at most this).",
    )
    auth_jwks_url_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated URL prefixes partners' JWKS URLs must start with."
    )
    auth_jwks_cache_s: float = Field(300.0, ge=0, description="How long a fetched JWKS is cached.")
    auth_jwks_max_bytes: int = Field(65536, ge=1024, description="Largest JWKS document fetched from a URL.")
    outbound_connect_timeout_s: float = Field(3.0, gt=0, le=60, description="Connect timeout of every outbound call.")
    outbound_timeout_s: float = Field(10.0, gt=0, le=300, description="Read/write timeout of every outbound call.")
    api_max_body_bytes: int = Field(1_048_576, ge=1024, description="Largest request body accepted (413 beyond).")
    bulk_max_body_bytes: int = Field(
        67_108_864, ge=1024, description="Largest `$bulk-member-match` body accepted (413 beyond): 10,000 members "
        "are at most about 26 MB as compact JSON, 60 MB indented.",
    )  # fmt: skip
    bulk_pull_lease_s: float = Field(
        60.0, ge=3, description="How long a `p2p bulk pull` holds its pull without renewing it (it renews every "
        "third of it while it runs); after a crash, another run may take the pull over once it has passed.",
    )  # fmt: skip
    api_rate_per_s: float = Field(20.0, gt=0, description="Requests per second each caller may sustain (token bucket).")
    api_rate_burst: int = Field(100, ge=1, description="Requests each caller may send at once (bucket size).")
    api_max_page_size: int = Field(500, ge=1, description="Cap on any page size a client asks for.")
    api_ssl_certfile: Path | None = Field(None, description="TLS certificate (PEM) for `p2p serve`; unset: plain HTTP.")
    api_ssl_keyfile: Path | None = Field(None, description="TLS private key (PEM) for `p2p serve`.")
    api_ssl_ca_certs: Path | None = Field(None, description="CA bundle of partner client certificates (mutual TLS).")
    api_ssl_client_cert: Literal["none", "optional", "required"] = Field(
        "none", description="Mutual TLS: whether `p2p serve` asks partners for a client certificate."
    )

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
    audit_checkpoint_job: bool = Field(
        True, description="Sign due checkpoints from this API process (checked every minute). Turn it off where "
        "one scheduled `p2p audit checkpoint`, or one chosen replica, signs instead.",
    )  # fmt: skip
    audit_checkpoint_every_events: int = Field(
        500, ge=10, description="Also sign a checkpoint once the head is this many events past the last one (checked "
        "every minute): it bounds the stretch of chain an evidence packet's proof verifies.",
    )  # fmt: skip
    audit_retention_years: int = Field(
        6, ge=1, le=100, description="Years audit events are kept in the ledger; older ones may be archived "
        "(`p2p audit archive`).",
    )  # fmt: skip

    # Fault injection on the partner-facing side (tests, demo, reliability runs). Off by default.
    faults: str = Field(
        "", description="Fault rates, e.g. 503=0.1,429=0.05,slow=0.05,reset=0.02,duplicate=0.05 (sum at most 1)."
    )
    faults_seed: int | None = Field(None, description="Seed of the fault draws (a reproducible sequence).")
    faults_slow_s: float = Field(15.0, gt=0, le=600, description="How long a `slow` fault holds the answer back.")
    faults_retry_after_s: int = Field(2, ge=0, le=3600, description="The Retry-After a `429` fault sends.")
    faults_paths: str = Field(
        "/fhir/", description="Comma-separated path prefixes faults apply to (never /fhir/metadata)."
    )

    @field_validator("faults")
    @classmethod
    def _fault_rates(cls, value: str) -> str:
        FaultPlan.parse(value)
        return value

    @field_validator("faults_paths")
    @classmethod
    def _fault_paths(cls, value: str) -> str:
        FaultPlan.parse("", value)
        return value

    @model_validator(mode="after")
    def _no_faults_in_prod(self) -> Settings:
        if self.env is Environment.PROD and self.fault_plan.active:
            raise ValueError("P2P_FAULTS injects failures; it may not be set when P2P_ENV=prod")
        return self

    @property
    def fault_plan(self) -> FaultPlan:
        return FaultPlan.parse(self.faults, self.faults_paths)

    # Idempotency-Key records: the published retention (at least 24 h) and the lock of a request in flight.
    idempotency_retention_s: int = Field(
        172_800, ge=86_400, description="How long a key and its first response are kept (published; at least 24 h)."
    )
    idempotency_lock_timeout_s: float = Field(
        60.0, gt=0, description="After this long an unfinished request's key may be claimed again (its process died)."
    )

    # SLA monitoring: /metrics, /dashboard, alerts. See README, "Operations".
    sla_snapshot_interval_s: float = Field(
        60.0, ge=0.5, le=3600, description="How often the SLA figures are snapshotted (trends) and alerts evaluated."
    )
    sla_monitor_job: bool = Field(
        True, description="Snapshot the SLA figures and evaluate alerts from this API process. One process is enough "
        "(snapshots are kept per bucket, alerts per open key); turn it off on the others, or where a test needs "
        "the database to hold only what it wrote.",
    )  # fmt: skip
    sla_figures_cache_s: float = Field(
        5.0, ge=0, le=300, description="How long figures read from the graph serve scrapes and dashboard refreshes."
    )
    metrics_loopback_open: bool = Field(
        False, description="Serve /metrics without a token to clients on loopback (a local Prometheus agent)."
    )

    # Splink's Spark backend (`p2p match run --backend spark`). See README, "Matching on Spark".
    spark_master: str = Field(
        "local[2]", min_length=1, description="Spark master: local[N] on this machine, or a cluster's URL."
    )
    spark_driver_memory: str = Field("1g", pattern=r"^\d+[mMgG]$", description="spark.driver.memory.")
    spark_shuffle_partitions: int = Field(
        4, ge=1, le=100_000, description="spark.sql.shuffle.partitions (a few per core of the cluster)."
    )
    spark_work_dir: Path | None = Field(
        None, description="Scratch folder of a Spark run (scored pairs, checkpoints); on a cluster, one every "
        "executor and the driver share. Default: a temporary folder.",
    )  # fmt: skip

    # Transfer workflow (new payer side): workers, leases, retries and holds. See README, "Transfers".
    transfer_lease_s: float = Field(
        120.0, gt=0, description="How long a worker holds a claimed step before another may take it over."
    )
    transfer_poll_s: float = Field(0.5, gt=0, le=60, description="How often an idle worker looks for due steps.")
    transfer_worker_concurrency: int = Field(4, ge=1, le=64, description="Steps one worker process runs at once.")
    transfer_hold_recheck_s: float = Field(
        30.0, gt=0, description="How often a transfer held for identity asks the graph again."
    )
    transfer_retry_base_s: float = Field(1.0, gt=0, description="First retry delay bound (doubles per attempt).")
    transfer_retry_cap_s: float = Field(300.0, gt=0, description="Largest retry delay bound.")
    transfer_max_attempts: int = Field(8, ge=1, le=100, description="Attempts of one step before it is dead-lettered.")
    transfer_deadline_s: float = Field(
        86400.0, gt=0, description="A step still failing this long after its first attempt is dead-lettered."
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        schemes = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(schemes):
            raise ValueError(f"must start with one of {', '.join(schemes)}")
        if not value.partition("://")[2].split("/", 1)[0].split("?", 1)[0]:
            raise ValueError("names no host (e.g. neo4j+s://xxxxxxxx.databases.neo4j.io)")
        return value

    @field_validator("fhir_base_url")
    @classmethod
    def _public_http_url(cls, value: str) -> str:
        """It is the system of every member identifier we hand out: a typo would go unnoticed."""
        scheme, sep, rest = value.partition("://")
        if scheme not in ("http", "https") or not sep or not rest.split("/", 1)[0] or "?" in value or "#" in value:
            raise ValueError("must be an http(s) URL with a host and no query, e.g. https://payer.example/fhir")
        return value

    @field_validator("neo4j_database")
    @classmethod
    def _not_the_system_database(cls, value: str) -> str:
        if value.lower() == "system":
            raise ValueError("'system' holds Neo4j's users and databases, not our data; name a data database")
        return value

    @field_validator("auth_jwks_url_allowlist", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @field_validator("auth_jwks_url_allowlist")
    @classmethod
    def _allowlist_entries_name_a_host(cls, value: list[str]) -> list[str]:
        for entry in value:
            scheme, sep, rest = entry.partition("://")
            if scheme not in ("https", "http") or not sep or not rest.split("/", 1)[0]:
                raise ValueError(f"{entry!r} is not an http(s) URL prefix with a host")
        return value

    @model_validator(mode="after")
    def _no_placeholder_secrets_outside_dev(self) -> Settings:
        """Every unsafe production setting at once, so one start-up says all there is to fix."""
        problems = []
        prod = self.env is Environment.PROD
        if prod and self.neo4j_password.get_secret_value() in PLACEHOLDER_SECRETS:
            problems.append("P2P_NEO4J_PASSWORD is a placeholder; set a real secret when P2P_ENV=prod")
        if prod and self.fingerprint_key.get_secret_value() in PLACEHOLDER_SECRETS:
            problems.append("P2P_FINGERPRINT_KEY is a placeholder; set a real secret when P2P_ENV=prod")
        key = self.auth_signing_key
        if self.env is not Environment.DEV and key is not None and "PRIVATE KEY" not in key.get_secret_value():
            problems.append("P2P_AUTH_SIGNING_KEY is a placeholder; set a PEM private key outside P2P_ENV=dev")
        if prod and any(e.startswith("http://") for e in self.auth_jwks_url_allowlist):
            problems.append("P2P_AUTH_JWKS_URL_ALLOWLIST may only hold https:// prefixes when P2P_ENV=prod")
        if self.api_ssl_client_cert != "none" and (self.api_ssl_certfile is None or self.api_ssl_ca_certs is None):
            problems.append("P2P_API_SSL_CLIENT_CERT needs P2P_API_SSL_CERTFILE and P2P_API_SSL_CA_CERTS (mutual TLS)")
        if self.transfer_retry_base_s > self.transfer_retry_cap_s:
            problems.append("P2P_TRANSFER_RETRY_BASE_S must not exceed P2P_TRANSFER_RETRY_CAP_S (the cap would win)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def our_identifiers(self) -> tuple[tuple[str, str], ...]:
        return tuple((system, value) for system, _, value in (i.partition("|") for i in self.payer_identifiers))

    @property
    def member_identifier_system(self) -> str:
        """The system of the member identifiers we return (the UMB / MB value)."""
        return f"{self.fhir_base_url.rstrip('/')}/sid/member-key"

    @property
    def member_data_path(self) -> Path:
        return self.member_data_dir or self.data_dir / "member-data"

    @property
    def uses_local_server(self) -> bool:
        return self.neo4j_uri is None

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_bolt_port}"

    @property
    def auth_signing_key_file(self) -> Path:
        """Where the generated signing key lives when ``auth_signing_key`` is unset (never committed)."""
        return self.data_dir / "keys" / "service-signing-key.pem"

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
            shown = "" if isinstance(got, dict) or "PASSWORD" in where or "SIGNING_KEY" in where else f" (got {got!r})"
            problems.append(f"{where}: {err['msg']}{shown}")
        raise ConfigurationError("invalid configuration: " + "; ".join(problems)) from None


def as_environment(settings: Settings) -> dict[str, str]:
    """The settings as ``P2P_*`` environment variables, for a child process (a worker, an API)
    that must run with exactly these settings. Unset values are left out."""
    env: dict[str, str] = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, list):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[f"P2P_{name.upper()}"] = str(value)
    return env
