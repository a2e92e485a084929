"""Transfers between payers: the workflow of issue #7."""
