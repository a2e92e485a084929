"""Which engine scores a matching run, and the Spark options taken from the settings."""

from __future__ import annotations

from enum import StrEnum

from matching.linkage.spark_options import SparkOptions
from p2p.settings import Settings


class Backend(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


def spark_options(settings: Settings) -> SparkOptions:
    return SparkOptions(
        master=settings.spark_master,
        driver_memory=settings.spark_driver_memory,
        shuffle_partitions=settings.spark_shuffle_partitions,
        java_home=settings.java_home,
        work_dir=settings.spark_work_dir,
    )
