"""`p2p serve` passes the P2P_API_SSL_* settings to uvicorn; mutual TLS needs a CA bundle."""

import ssl
from pathlib import Path

import pytest

from p2p.cli.serve_cmd import tls_options
from p2p.settings import ConfigurationError, load_settings


def test_plain_http_by_default() -> None:
    assert tls_options(load_settings()) == {}


def test_mutual_tls_settings_reach_uvicorn(tmp_path: Path) -> None:
    cfg = load_settings(
        api_ssl_certfile=tmp_path / "cert.pem", api_ssl_keyfile=tmp_path / "key.pem",
        api_ssl_ca_certs=tmp_path / "partners-ca.pem", api_ssl_client_cert="required",
    )  # fmt: skip
    assert tls_options(cfg) == {
        "ssl_certfile": str(tmp_path / "cert.pem"), "ssl_keyfile": str(tmp_path / "key.pem"),
        "ssl_ca_certs": str(tmp_path / "partners-ca.pem"), "ssl_cert_reqs": ssl.CERT_REQUIRED,
    }  # fmt: skip


def test_asking_for_client_certificates_without_a_ca_bundle_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="P2P_API_SSL_CA_CERTS"):
        load_settings(api_ssl_certfile=tmp_path / "cert.pem", api_ssl_client_cert="optional")
