"""The exchange workflow: FHIR operations other payers call ($member-match first), the
identity decisions behind them, and (later) transfers. Separate from ``api`` (HTTP only),
``graph`` (storage) and ``matching`` (models): it is the business of exchanging members."""
