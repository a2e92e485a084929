"""The default body limit of ``$bulk-member-match`` is sized for the largest request it takes:
10,000 MemberBundles, built the way our own pull sends them, fit whether compact or indented,
while the general limit would refuse them. A body grows by one bundle's bytes per member, so
20 times a 500-member body bounds a 10,000-member one from above."""

from __future__ import annotations

import json
from datetime import timedelta

from exchange.bulk.member_bundles import MAX_MEMBERS
from exchange.member_match.outbound import Card
from p2p.settings import Settings
from tests.support.bulk import TODAY, grant, member_bundle, org

OLD, NEW = org("http://hl7.org/fhir/sid/us-npi|1000000004"), org("http://hl7.org/fhir/sid/us-npi|1000000012")


def bundle(i: int) -> dict[str, object]:
    """A member with every demographic our outbound request carries, at its longest plausible."""
    demographics: dict[str, str | None] = {
        "first_name": f"Maximiliana{i:05d}", "middle_name": "Alexandrina", "last_name": f"Montgomery-Fitzgerald{i:05d}",
        "dob": "1961-02-03", "sex": "F", "address_line1": f"{i:05d} North Martin Luther King Junior Boulevard",
        "address_line2": "Apartment 1234B", "city": "North Saint Paul Heights", "state": "MN", "zip": "55109-1234",
        "phone": "+16125550123", "email": f"maximiliana.montgomery-fitzgerald{i:05d}@example-mail-provider.com",
    }  # fmt: skip
    previous = Card(OLD, member_id=f"A{i:011d}", start=TODAY - timedelta(days=900))
    ours = Card(NEW, member_id=f"B{i:011d}", start=TODAY - timedelta(days=3))
    return member_bundle(f"b-{i:08d}", demographics, previous, ours, grant(OLD, NEW, sensitive=True))


def test_ten_thousand_members_fit_the_bulk_limit_and_not_the_general_one() -> None:
    part = 500
    body = {"resourceType": "Parameters", "parameter": [bundle(i) for i in range(part)]}
    compact, indented = len(json.dumps(body, separators=(",", ":"))), len(json.dumps(body, indent=2))
    bulk_limit = Settings.model_fields["bulk_max_body_bytes"].default
    general_limit = Settings.model_fields["api_max_body_bytes"].default
    assert general_limit < compact < indented and MAX_MEMBERS // part * indented <= bulk_limit
