"""Evidence packets render as one self-contained, escaped HTML page and as JSON with the same sections."""

import json
import re

from audit.domain.packets import Packet, Section
from audit.evidence_html import render_html


def packet(verified: bool = True) -> Packet:
    events = Section("events", "Audited events", "In chain order.", ["seq", "actor", "hash"],
                     [{"seq": 1, "actor": "steward:<script>alert(1)</script>", "hash": "ab" * 32}])  # fmt: skip
    extra = Section("attempts", "Delivery attempts", "A later section type.", ["attempt"], [])
    return Packet("member", "M-1", "2026-03-01T09:00:00.000000Z", verified, [events, extra])


def test_every_section_becomes_a_titled_table_and_text_is_escaped() -> None:
    page = render_html(packet())
    assert '<h2 id="events">Audited events</h2>' in page and "Delivery attempts" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Nothing recorded." in page  # the empty section says so


def test_the_page_is_self_contained() -> None:
    page = render_html(packet())
    assert not re.search(r"(src|href)\s*=|https?://|@import|<script", page)


def test_a_failed_proof_is_shown_as_such() -> None:
    assert "FAILED" in render_html(packet(verified=False)) and "FAILED" not in render_html(packet())


def test_the_json_form_holds_the_same_sections() -> None:
    data = json.loads(json.dumps(packet().to_json()))
    assert [s["key"] for s in data["sections"]] == ["events", "attempts"]
    assert data["sections"][0]["rows"][0]["seq"] == 1 and data["verified"] is True
