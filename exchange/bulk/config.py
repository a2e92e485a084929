"""What the bulk jobs need from the settings, and where their files live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from exchange.member_match.request import HrexVersion
from p2p.settings import Settings

OrgId = tuple[str, str]


@dataclass(frozen=True)
class BulkConfig:
    data_dir: Path  # <data_dir>/bulk/{requests,results,groups,exports}
    member_data_dir: Path
    fhir_base_url: str
    payer_id: str
    payer_name: str
    payer_identifiers: tuple[OrgId, ...]
    hrex_version: HrexVersion
    lease: timedelta = timedelta(seconds=60)
    batch: int = 25  # members decided between two progress records
    parallel: int = 4  # members decided at once (the API's thread pool does the same for single requests)
    max_lines: int = 100_000  # resources per NDJSON file

    @property
    def root(self) -> Path:
        return self.data_dir / "bulk"

    def export_dir(self, job_id: str) -> Path:
        return self.root / "exports" / job_id

    def files_url(self, job_id: str) -> str:
        return f"{self.fhir_base_url.rstrip('/')}/bulk-files/{job_id}"

    def status_url(self, job_id: str) -> str:
        return f"{self.fhir_base_url.rstrip('/')}/bulk-status/{job_id}"


def bulk_config(settings: Settings) -> BulkConfig:
    return BulkConfig(
        data_dir=settings.data_dir,
        member_data_dir=settings.member_data_path,
        fhir_base_url=settings.fhir_base_url,
        payer_id=settings.payer_id,
        payer_name=settings.payer_name,
        payer_identifiers=settings.our_identifiers,
        hrex_version=settings.hrex_version,
    )
