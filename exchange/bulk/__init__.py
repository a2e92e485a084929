"""Bulk payer-to-payer exchange (Da Vinci PDex): ``$bulk-member-match`` and
``$davinci-data-export`` as durable background jobs, their Groups and their NDJSON files."""
