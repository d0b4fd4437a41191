#!/bin/sh
# PostgreSQL's entrypoint in compose: checks the two database passwords, then runs the image's own entrypoint with
# the command. plude's password (PLUDE_DB_PASSWORD) goes into DATABASE_URL as it is, and Temporal's
# (TEMPORAL_DB_PASSWORD, here POSTGRES_PASSWORD) into a double-quoted string of the server's YAML config, so each may
# hold only letters, digits and - . _ ~ (what a URL carries without percent-encoding, and YAML as it is):
# `openssl rand -hex 24` makes one. A password with another character stops PostgreSQL here, before its data folder
# is first created with it, naming the variable to fix in .env.
set -eu

bad=""
check() {
  case "$2" in
    "") bad="${bad}$1 is empty. " ;;
    *[!A-Za-z0-9._~-]*) bad="${bad}$1 holds a character other than letters, digits and - . _ ~. " ;;
  esac
}
check TEMPORAL_DB_PASSWORD "${POSTGRES_PASSWORD:-}"
check PLUDE_DB_PASSWORD "${PLUDE_DB_PASSWORD:-}"
if [ -n "$bad" ]; then
  echo "postgresql: ${bad}Set it in .env, for example to the output of: openssl rand -hex 24" >&2
  exit 1
fi
exec "$@"
