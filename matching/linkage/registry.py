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
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
            _atomic_write(path, json.dumps(model.to_json(), indent=2, sort_keys=True) + "\n")
        return path

    def load(self, version_or_path: str) -> ModelFile:
        path = Path(version_or_path)
        if not path.is_file():
            path = self.path_of(version_or_path)
        if not path.is_file():
            raise RegistryError(f"no model {version_or_path!r} in {self.root}")
        try:
            return ModelFile.from_json(json.loads(path.read_text()))
        except json.JSONDecodeError as exc:
            raise RegistryError(f"{path} is not valid JSON: {exc}") from None

    def versions(self) -> list[str]:
        return sorted(p.stem.removeprefix("model-") for p in self.root.glob("model-*.json"))

    def publish(self, version: str) -> None:
        self.load(version)  # refuse to publish something that does not load
        _atomic_write(self.root / PUBLISHED, json.dumps({"version": version}) + "\n")

    def published(self) -> ModelFile:
        pointer = self.root / PUBLISHED
        if not pointer.is_file():
            raise RegistryError(f"no published model in {self.root}; train one and run `p2p match publish VERSION`")
        return self.load(json.loads(pointer.read_text())["version"])


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)
