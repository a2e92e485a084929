"""The model registry: one JSON file per trained model version, reviewed like code.

A model file holds the Splink model (m and u parameters per comparison level), the
decision thresholds, the fingerprint of its training data, its evaluation figures and
the date. Its version is a content hash of what decides matches (the Splink model and
the thresholds), so retraining on the same data gives the same version and any change of
setting gives a new one. ``published.json`` names the version the service uses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matching.linkage.atomic_files import write_atomically
from matching.linkage.thresholds import Thresholds

PUBLISHED = "published.json"


class RegistryError(Exception):
    """A model version is missing or a model file is damaged."""


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_version(splink_model: dict[str, Any], thresholds: Thresholds) -> str:
    decisive = {"splink_model": splink_model, "thresholds": thresholds.__dict__}
    return hashlib.sha256(canonical_json(decisive).encode()).hexdigest()[:16]


@dataclass
class ModelFile:
    splink_model: dict[str, Any]
    thresholds: Thresholds
    training_fingerprint: str
    thresholds_source: str  # "labelled" (chosen on truth) or "default"
    evaluation: dict[str, Any] = field(default_factory=dict)
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return content_version(self.splink_model, self.thresholds)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "created": self.created,
            "training_fingerprint": self.training_fingerprint,
            "thresholds": {**self.thresholds.__dict__, "source": self.thresholds_source},
            "evaluation": self.evaluation,
            "notes": self.notes,
            "splink_model": self.splink_model,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelFile:
        try:
            thresholds = data["thresholds"]
            model = cls(
                splink_model=data["splink_model"],
                thresholds=Thresholds(
                    auto_confirm=float(thresholds["auto_confirm"]), review=float(thresholds["review"])
                ),
                training_fingerprint=data["training_fingerprint"],
                thresholds_source=thresholds.get("source", "default"),
                evaluation=data.get("evaluation", {}),
                created=data["created"],
                notes=data.get("notes", {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RegistryError(f"model file is incomplete: {exc}") from None
        if data.get("version") != model.version:
            raise RegistryError(f"model file says version {data.get('version')} but its content is {model.version}")
        return model


class ModelRegistry:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, version: str) -> Path:
        return self.root / f"model-{version}.json"

    def save(self, model: ModelFile) -> Path:
        """Write the model file (atomically); an existing file of the same version is kept as it is."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.path_of(model.version)
        if not path.exists():
            _write_text(path, json.dumps(model.to_json(), indent=2, sort_keys=True) + "\n")
        return path

    def load(self, version_or_path: str) -> ModelFile:
        path = Path(version_or_path)
        if not path.is_file():
            path = self.path_of(version_or_path)
        if not path.is_file():
            raise RegistryError(f"no model {version_or_path!r} in {self.root}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RegistryError(f"{path} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise RegistryError(f"{path} is not a model file (a JSON object was expected)")
        try:
            return ModelFile.from_json(data)
        except RegistryError as exc:
            raise RegistryError(f"{path}: {exc}") from None

    def versions(self) -> list[str]:
        return sorted(p.stem.removeprefix("model-") for p in self.root.glob("model-*.json"))

    def publish(self, version_or_path: str) -> str:
        """Publish a version of the registry, or a model file (copied into the registry first):
        the pointer always names a version, never a path that depends on where it was run from."""
        model = self.load(version_or_path)  # refuse to publish something that does not load
        self.save(model)
        _write_text(self.root / PUBLISHED, json.dumps({"version": model.version}) + "\n")
        return model.version

    def published(self) -> ModelFile:
        pointer = self.root / PUBLISHED
        if not pointer.is_file():
            raise RegistryError(f"no published model in {self.root}; train one and run `p2p match publish VERSION`")
        try:
            version = json.loads(pointer.read_text(encoding="utf-8"))["version"]
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
            version = None
        if not isinstance(version, str) or not version:
            raise RegistryError(f"{pointer} is damaged; publish a version again with `p2p match publish VERSION`")
        return self.load(version)


def _write_text(path: Path, text: str) -> None:
    write_atomically(path, lambda tmp: tmp.write_text(text))
