"""The reliability suite (``make reliability``): scenarios run against two local payers, each
returning rows of one table (scenario, what was done, expected, observed, pass/fail)."""
