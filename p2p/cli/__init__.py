"""The ``p2p`` command line: thin commands over the service layer and adapters."""
