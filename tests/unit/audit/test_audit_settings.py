"""Where the audit keys live: under the data folder by default, anywhere the settings say."""

from pathlib import Path

import pytest

from p2p.settings import ConfigurationError, load_settings


def test_keys_default_to_the_data_folder_and_can_be_moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("P2P_AUDIT_SIGNING_KEY", raising=False)
    settings = load_settings(data_dir=tmp_path)
    assert settings.audit_signing_key_path == tmp_path / "audit" / "keys" / "signing-key.pem"
    assert settings.audit_public_keys_path == tmp_path / "audit" / "keys" / "public"
    monkeypatch.setenv("P2P_AUDIT_SIGNING_KEY", "/secrets/audit.pem")
    monkeypatch.setenv("P2P_AUDIT_PUBLIC_KEYS_DIR", "/published/keys")
    moved = load_settings(data_dir=tmp_path)
    assert (moved.audit_signing_key_path, moved.audit_public_keys_path) == (
        Path("/secrets/audit.pem"), Path("/published/keys"),
    )  # fmt: skip


def test_the_checkpoint_interval_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2P_AUDIT_CHECKPOINT_INTERVAL_S", "0")
    with pytest.raises(ConfigurationError, match="P2P_AUDIT_CHECKPOINT_INTERVAL_S"):
        load_settings()
