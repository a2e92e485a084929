"""The service layer: use cases that span matching and the identity graph, one per function.
Entry points (CLI, API) call these; matching and graph never import each other's adapters."""
