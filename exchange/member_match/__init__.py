"""Da Vinci HRex ``$member-match``: parse, decide, record, answer."""
