"""The canonical member record: schema, loading, validation and normalisation."""
