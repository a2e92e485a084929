"""Payer Exchange: composition root, configuration and the `p2p` command line."""

__version__ = "0.1.0"
