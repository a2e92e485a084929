"""Errors of the graph adapter, each with a message a person can act on."""


class GraphError(Exception):
    """Base class: the message is meant for the operator, without a traceback."""


class Neo4jServerError(GraphError):
    """The local Neo4j server could not be fetched, started, reached or stopped."""


class Neo4jConnectionError(GraphError):
    """The configured Neo4j cannot be reached or refused our credentials."""


class SchemaError(GraphError):
    """A schema file is malformed or was changed after it had been applied."""


class CypherFileError(GraphError):
    """A .cypher file is missing or its header does not match its body."""
