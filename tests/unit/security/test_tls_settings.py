"""`p2p serve` passes the P2P_API_SSL_* settings to uvicorn; mutual TLS needs a CA bundle."""

import ssl
from pathlib import Path

import pytest

from p2p.cli.serve_cmd import check_tls_files, tls_options
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


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_usable_tls_files_pass_the_check(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    check_tls_files(load_settings(api_ssl_certfile=cert, api_ssl_keyfile=key, api_ssl_ca_certs=cert))
    check_tls_files(load_settings())  # plain HTTP: nothing to check


def test_missing_or_unreadable_tls_files_are_configuration_errors_naming_the_setting(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    (tmp_path / "notes.txt").write_text("not a certificate")
    cases = [
        ({"api_ssl_certfile": tmp_path / "absent.pem"}, "P2P_API_SSL_CERTFILE.*no such file or directory"),
        ({"api_ssl_certfile": tmp_path / "notes.txt"}, "P2P_API_SSL_CERTFILE.*not PEM"),
        ({"api_ssl_certfile": cert, "api_ssl_keyfile": tmp_path / "notes.txt"}, "P2P_API_SSL_KEYFILE.*not PEM"),
        ({"api_ssl_certfile": cert, "api_ssl_keyfile": key, "api_ssl_ca_certs": tmp_path / "notes.txt"},
         r"P2P_API_SSL_CA_CERTS \(.*notes.txt\) cannot be used: not PEM"),
    ]  # fmt: skip
    for overrides, message in cases:
        with pytest.raises(ConfigurationError, match=message):
            check_tls_files(load_settings(**overrides))
