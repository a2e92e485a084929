"""One Neo4j driver per process, built from the settings, with errors a person can act on."""

from __future__ import annotations

import neo4j
from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable

from graph.cypher import CypherLibrary
from graph.errors import Neo4jConnectionError
from graph.store import GraphStore
from p2p.settings import Settings

NEO4J_FIRST_START_PASSWORD = "neo4j"  # must be changed before the server serves anything


def create_driver(settings: Settings) -> neo4j.Driver:
    """Build the driver and check that the server answers and accepts our credentials."""
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    driver = neo4j.GraphDatabase.driver(
        settings.bolt_uri,
        auth=auth,
        connection_timeout=10.0,
        notifications_min_severity=settings.neo4j_notifications,
    )
    try:
        driver.verify_connectivity()
    except AuthError:
        driver.close()
        raise Neo4jConnectionError(
            f"Neo4j at {settings.bolt_uri} refused the credentials of user {settings.neo4j_user!r}; "
            "check P2P_NEO4J_USER and P2P_NEO4J_PASSWORD (or NEO4J_USER / NEO4J_PASSWORD)"
        ) from None
    except (ServiceUnavailable, OSError) as exc:
        driver.close()
        hint = "run `p2p neo4j start`" if settings.uses_local_server else "check P2P_NEO4J_URI / NEO4J_URI"
        raise Neo4jConnectionError(f"cannot reach Neo4j at {settings.bolt_uri} ({exc}); {hint}") from None
    except ClientError as exc:  # e.g. Security.AuthenticationRateLimit after repeated bad passwords
        driver.close()
        raise Neo4jConnectionError(f"Neo4j at {settings.bolt_uri} refused the connection: {exc.message}") from None
    return driver


def set_initial_password(settings: Settings) -> None:
    """On a freshly created local server, replace Neo4j's first-start password with ours."""
    wanted = settings.neo4j_password.get_secret_value()
    if wanted == NEO4J_FIRST_START_PASSWORD:
        raise Neo4jConnectionError("P2P_NEO4J_PASSWORD must not be Neo4j's first-start password 'neo4j'")
    first_auth = (settings.neo4j_user, NEO4J_FIRST_START_PASSWORD)
    with neo4j.GraphDatabase.driver(settings.bolt_uri, auth=first_auth) as first:
        store = GraphStore(first, "system", CypherLibrary(settings.cypher_dir), settings.neo4j_query_timeout_s)
        try:
            store.write("admin/set_initial_password", {"old": NEO4J_FIRST_START_PASSWORD, "new": wanted})
        except (AuthError, ClientError) as exc:
            raise Neo4jConnectionError(f"could not set the password of the new local Neo4j: {exc.message}") from None


def server_version(store: GraphStore) -> str:
    rows = store.read("admin/server_components", database="system")
    return ", ".join(f"{r['name']} {r['version']} ({r['edition']})" for r in rows)
