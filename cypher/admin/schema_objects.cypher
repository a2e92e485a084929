// Purpose: Names of the constraints and indexes present, to report and to test the schema step.
// Mode: read
// Params: none
SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint
RETURN name, type, labelsOrTypes, properties, owningConstraint IS NOT NULL AS backs_constraint
ORDER BY name
