// Purpose: Version and edition of the Neo4j server (run against the system database).
// Mode: read
// Params: none
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
