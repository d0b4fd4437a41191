#!/bin/sh
# One-shot (temporalio/admin-tools): creates Temporal's two databases and brings their schemas up to the server's
# version with temporal-sql-tool. Safe to run on every `docker compose up`: an existing database is kept, and
# update-schema applies only the versions not yet applied (the upgrade path for a newer temporalio/server).
set -eu

sql() {
  temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS}" -p "${DB_PORT}" -u "${POSTGRES_USER}" --pw "${POSTGRES_PWD}" "$@"
}

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
until nc -z "${POSTGRES_SEEDS}" "${DB_PORT}"; do sleep 1; done

for db in temporal temporal_visibility; do
  if [ "$db" = temporal ]; then schema=temporal; else schema=visibility; fi
  echo "Database ${db}: create (kept if it exists), then schema ${schema}"
  sql --db "$db" create || echo "database ${db} not created: it exists already (any other error shows again below)"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "/etc/temporal/schema/postgresql/v12/${schema}/versioned"
done
echo "Temporal schemas are up to date"
