"""The FHIR R4 shapes the exchange reads and writes (only the elements it uses are typed)."""
