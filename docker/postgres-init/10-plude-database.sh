#!/bin/sh
# Creates plude-webhooks' own role and database beside Temporal's. The postgres image runs this once,
# when the data volume is empty; later changes to PLUDE_DB_PASSWORD need an ALTER ROLE by hand.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v plude_password="$PLUDE_DB_PASSWORD" <<'SQL'
CREATE ROLE plude LOGIN PASSWORD :'plude_password';
CREATE DATABASE plude OWNER plude;
SQL
