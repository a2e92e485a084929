"""Load, validate and normalise one member extract: the one entry point the matching
commands and the real-time path share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from matching.canonical.loader import load_extract, read_mapping
from matching.canonical.normalise import normalise
from matching.canonical.validation import ValidationResult, validate_extract


@dataclass
class PreparedExtract:
    source: Path
    validation: ValidationResult
    records: pa.Table  # validated and normalised, ready for matching


def prepare(path: Path, mapping_file: Path | None = None, today: date | None = None) -> PreparedExtract:
    mapping = read_mapping(mapping_file) if mapping_file else None
    validation = validate_extract(load_extract(path, mapping), today=today)
    return PreparedExtract(source=path, validation=validation, records=normalise(validation.accepted))
