#!/bin/sh
# PostgreSQL's entrypoint in compose: checks the two database passwords, then runs the image's own entrypoint with
# the command. plude's password goes into DATABASE_URL as it is and Temporal's into a double-quoted string of the
# server's YAML config, so each may hold only letters, digits and - . _ ~ (the characters a URL carries without
# percent-encoding, and YAML as they are): `openssl rand -hex 24` makes one. A password with another character stops
# PostgreSQL here, before its data folder is first created with it, naming the variable.
set -eu

bad=""
for name in TEMPORAL_DB_PASSWORD PLUDE_DB_PASSWORD; do
  eval "value=\${${name}:-}"
  case "$value" in
    "") bad="${bad}${name} is empty. " ;;
    *[!A-Za-z0-9._~-]*) bad="${bad}${name} holds a character other than letters, digits and - . _ ~. " ;;
  esac
done
if [ -n "$bad" ]; then
  echo "postgresql: ${bad}Set it in .env, for example to the output of: openssl rand -hex 24" >&2
  exit 1
fi
exec "$@"
