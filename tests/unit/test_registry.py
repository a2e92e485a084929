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


def test_publishing_a_model_file_publishes_its_version_from_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "review" / "candidate.json"
    elsewhere.parent.mkdir()
    elsewhere.write_text(json.dumps(model().to_json()))
    registry = ModelRegistry(tmp_path / "models")
    monkeypatch.chdir(elsewhere.parent)
    assert registry.publish("candidate.json") == model().version
    assert json.loads((tmp_path / "models" / "published.json").read_text()) == {"version": model().version}
    elsewhere.unlink()
    monkeypatch.chdir(tmp_path)
    assert registry.published().version == model().version  # neither the file nor the folder is needed any more


@pytest.mark.parametrize("pointer", ["garbage", '{"v": 1}', '{"version": 5}', "[]", '{"version": ""}'])
def test_a_damaged_published_pointer_is_named_with_the_fix(tmp_path: Path, pointer: str) -> None:
    (tmp_path / "published.json").write_text(pointer)
    with pytest.raises(RegistryError, match=r"published\.json is damaged; publish a version again"):
        ModelRegistry(tmp_path).published()


@pytest.mark.parametrize(
    ("content", "message"), [("[1, 2]", "is not a model file"), ("{}", "model file is incomplete")]
)
def test_a_model_file_that_is_not_a_model_names_its_path(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "model-bad.json").write_text(content)
    with pytest.raises(RegistryError, match=message) as refused:
        ModelRegistry(tmp_path).load("bad")
    assert str(tmp_path / "model-bad.json") in str(refused.value)


def test_model_files_are_readable_by_the_service_and_a_failed_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = ModelRegistry(tmp_path)
    path = registry.save(model())
    registry.publish(model().version)
    assert path.stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "published.json").stat().st_mode & 0o777 == 0o644

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("matching.linkage.atomic_files.os.replace", full)
    with pytest.raises(OSError):
        registry.save(model(thresholds=Thresholds(12.0, 4.0)))
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, "published.json"]
