"""How the Spark backend's session is set up (importable without pyspark)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SparkOptions:
    """A small local session by default; ``master`` may name a cluster (then ``work_dir``
    must be a folder the driver and every executor share)."""

    master: str = "local[2]"
    driver_memory: str = "1g"
    shuffle_partitions: int = 4
    java_home: Path | None = None
    work_dir: Path | None = None  # default: a temporary folder on this machine


class SparkUnavailable(RuntimeError):
    """Spark could not start (no Java, a bad master URL)."""
