"""Which answer formats a FHIR client may ask for. We answer FHIR JSON (and bulk files in
NDJSON); a client that asks only for XML or Turtle — with ``_format`` (FHIR R4 §3.1.0.1.10) or
an ``Accept`` header that allows no JSON — gets a 406 instead of a body it cannot read."""

from __future__ import annotations

# _format values of the formats we do not write (the R4 spec's short names and media types).
REFUSED_FORMATS = frozenset({
    "xml", "text/xml", "application/xml", "application/fhir+xml",
    "ttl", "text/turtle", "application/fhir+turtle", "application/x-turtle",
})  # fmt: skip
# Media ranges in an Accept header that one of our answers satisfies.
SERVED = ("*/*", "application/*", "application/json", "application/fhir+json", "application/fhir+ndjson",
          "application/ndjson", "application/x-ndjson")  # fmt: skip


def refused_format(format_param: str | None, accept: str | None) -> str | None:
    """What the client asked for that we cannot write, or None when we may answer."""
    if format_param is not None:
        wanted = format_param.split(";")[0].strip().lower()
        if wanted in REFUSED_FORMATS:
            return f"_format={format_param}"
    if not accept or not accept.strip():
        return None
    ranges = []
    for part in accept.split(","):
        media, *params = [p.strip().lower() for p in part.split(";")]
        quality = next((p.partition("=")[2] for p in params if p.startswith("q=")), "1")
        if media and _positive(quality):
            ranges.append(media)
    if not ranges or any(m in SERVED or m.endswith("+json") for m in ranges):
        return None
    return f"Accept: {accept[:200]}"


def _positive(quality: str) -> bool:
    try:
        return float(quality) > 0
    except ValueError:
        return True  # a malformed weight: read as the default, 1
