import json
from pathlib import Path

import pytest

from matching.linkage.registry import ModelFile, ModelRegistry, RegistryError
from matching.linkage.thresholds import Thresholds

SPLINK = {"link_type": "dedupe_only", "comparisons": [{"output_column_name": "dob", "m": 0.9}]}


def model(**changes: object) -> ModelFile:
    base = {
        "splink_model": SPLINK,
        "thresholds": Thresholds(10.0, 4.0),
        "training_fingerprint": "f",
        "thresholds_source": "labelled",
    }
    return ModelFile(**{**base, **changes})  # type: ignore[arg-type]


def test_same_content_same_version_whatever_the_date_and_figures() -> None:
    a = model(created="2026-01-01T00:00:00Z", evaluation={"precision": 0.99})
    b = model(created="2026-06-01T00:00:00Z", evaluation={"precision": 0.98})
    assert a.version == b.version


def test_a_changed_parameter_or_threshold_is_a_new_version() -> None:
    assert model().version != model(splink_model={**SPLINK, "link_type": "link_only"}).version
    assert model().version != model(thresholds=Thresholds(11.0, 4.0)).version


def test_save_load_publish_round_trip(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    saved = model()
    registry.save(saved)
    assert registry.versions() == [saved.version]
    registry.publish(saved.version)
    loaded = registry.published()
    assert loaded.version == saved.version and loaded.thresholds == saved.thresholds


def test_a_tampered_model_file_is_refused(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    path = registry.save(model())
    data = json.loads(path.read_text())
    data["thresholds"]["auto_confirm"] = 1.0
    path.write_text(json.dumps(data))
    with pytest.raises(RegistryError, match="says version"):
        registry.load(path.stem.removeprefix("model-"))


def test_publishing_an_unknown_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="no model"):
        ModelRegistry(tmp_path).publish("deadbeef")
    with pytest.raises(RegistryError, match="no published model"):
        ModelRegistry(tmp_path).published()
