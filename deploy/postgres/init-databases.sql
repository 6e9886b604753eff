-- One database per service that keeps state (DESIGN.md §1): the gateway's job projection and the
-- registry's adapter versions never share tables or schema management.
-- Runs once, on the first start of the postgres container (docker-entrypoint-initdb.d).
CREATE DATABASE cura_gateway OWNER cura;
CREATE DATABASE cura_registry OWNER cura;
