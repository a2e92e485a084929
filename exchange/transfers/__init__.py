"""The transfer workflow: a member's history moved between payers, durably."""
