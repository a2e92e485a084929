"""Integration tests share the population and trained model of tests/conftest.py."""
