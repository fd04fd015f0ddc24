#!/bin/sh
# Run once by the postgres image on a new data volume (docker-entrypoint-initdb.d): the application's login
# role, which owns nothing. `manage.py migrate` (as the owner, POSTGRES_USER) grants it what it may do.
set -eu
psql -v ON_ERROR_STOP=1 -v password="$APP_DB_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE camhs_app LOGIN PASSWORD :'password';
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
