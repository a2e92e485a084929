"""A member's clinical and claims history between payers: releasing it as the old payer
(``release``, over the DuckDB member data store in ``store``) and taking it in as the new
payer (``ingest``, NDJSON files and the graph's record of what was received)."""
