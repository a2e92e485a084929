from pathlib import Path

import pytest

from p2p.settings import ConfigurationError, Environment, as_environment, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_USERNAME", "NEO4J_PASSWORD", "P2P_NEO4J_URI", "P2P_ENV"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_uri_the_project_uses_its_own_local_server() -> None:
    settings = load_settings()
    assert settings.uses_local_server
    assert settings.bolt_uri == f"bolt://127.0.0.1:{settings.neo4j_bolt_port}"


def test_conventional_neo4j_variables_select_an_external_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://abc.databases.neo4j.io")
    monkeypatch.setenv("NEO4J_USERNAME", "svc")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-value")
    settings = load_settings()
    assert not settings.uses_local_server
    assert settings.bolt_uri == "neo4j+s://abc.databases.neo4j.io"
    assert settings.neo4j_user == "svc"
    assert settings.neo4j_password.get_secret_value() == "s3cret-value"


def test_password_never_appears_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2P_NEO4J_PASSWORD", "do-not-print-me")
    assert "do-not-print-me" not in repr(load_settings())


def test_unparsable_value_names_the_variable_and_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2P_NEO4J_BOLT_PORT", "seven")
    with pytest.raises(ConfigurationError) as err:
        load_settings()
    assert "P2P_NEO4J_BOLT_PORT" in str(err.value)
    assert "'seven'" in str(err.value)


def test_unknown_uri_scheme_is_refused_with_the_allowed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "http://localhost:7474")
    with pytest.raises(ConfigurationError, match=r"P2P_NEO4J_URI.*bolt://"):
        load_settings()


def test_out_of_range_port_and_bad_memory_size_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2P_NEO4J_HTTP_PORT", "70000")
    monkeypatch.setenv("P2P_NEO4J_PAGECACHE", "lots")
    with pytest.raises(ConfigurationError) as err:
        load_settings()
    assert "P2P_NEO4J_HTTP_PORT" in str(err.value)
    assert "P2P_NEO4J_PAGECACHE" in str(err.value)


def test_production_refuses_a_placeholder_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2P_ENV", "prod")
    with pytest.raises(ConfigurationError, match="placeholder"):
        load_settings()
    monkeypatch.setenv("P2P_NEO4J_PASSWORD", "a-real-long-secret")
    with pytest.raises(ConfigurationError, match="P2P_FINGERPRINT_KEY is a placeholder"):
        load_settings()
    monkeypatch.setenv("P2P_FINGERPRINT_KEY", "another-real-long-secret")
    assert load_settings().env is Environment.PROD


def test_password_value_is_not_echoed_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2P_ENV", "prod")
    monkeypatch.setenv("P2P_NEO4J_PASSWORD", "neo4j")
    with pytest.raises(ConfigurationError) as err:
        load_settings()
    assert "'neo4j'" not in str(err.value)


def test_settings_pass_to_a_child_process_unchanged_through_the_environment(tmp_path: Path) -> None:
    given = load_settings(payer_id="payer-b", payer_identifiers=["urn:x|1", "urn:y|2"], data_dir=tmp_path,
                          neo4j_bolt_port=7999, transfer_max_attempts=3, faults="503=0.5", faults_seed=4)  # fmt: skip
    env = as_environment(given)
    assert env["P2P_PAYER_IDENTIFIERS"] == "urn:x|1,urn:y|2" and env["P2P_NEO4J_BOLT_PORT"] == "7999"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        again = load_settings()
    assert again == given


@pytest.mark.parametrize("url", ["notaurl", "ftp://payer.example/fhir", "https:///fhir", "https://p.example/fhir?x=1"])
def test_a_fhir_base_url_that_is_not_a_public_http_url_is_refused(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("P2P_FHIR_BASE_URL", url)
    with pytest.raises(ConfigurationError, match="P2P_FHIR_BASE_URL: Value error, must be an http"):
        load_settings()
    monkeypatch.setenv("P2P_FHIR_BASE_URL", "https://payer.example/fhir")
    assert load_settings().member_identifier_system == "https://payer.example/fhir/sid/member-key"


def test_a_retry_base_above_its_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2P_TRANSFER_RETRY_BASE_S", "10")
    monkeypatch.setenv("P2P_TRANSFER_RETRY_CAP_S", "1")
    with pytest.raises(ConfigurationError, match="P2P_TRANSFER_RETRY_BASE_S must not exceed P2P_TRANSFER_RETRY_CAP_S"):
        load_settings()
