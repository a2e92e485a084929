"""Real-time scoring: the published Splink model compiled to plain Python for one request."""
