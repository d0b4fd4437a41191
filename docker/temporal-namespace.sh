#!/bin/sh
# One-shot (temporalio/admin-tools), once the server answers: creates the namespace with an explicit retention
# (how long closed workflow histories are kept) or updates the retention of an existing one, then registers the
# search attributes plude-webhooks' workflows set. Safe to run again.
set -eu

address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_NAMESPACE_RETENTION:-7d}"

retry() {
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge 30 ]; then
      echo "giving up after $attempt attempts: $*" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

echo "Waiting for the Temporal server at ${address}..."
retry temporal operator cluster health --address "$address"

if temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
  echo "Namespace '${namespace}' exists: retention set to ${retention}"
  temporal operator namespace update --namespace "$namespace" --retention "$retention" --address "$address"
else
  echo "Creating namespace '${namespace}' with retention ${retention}"
  temporal operator namespace create --namespace "$namespace" --retention "$retention" --address "$address"
fi

echo "Registering search attributes in '${namespace}'..."
retry temporal operator search-attribute create --namespace "$namespace" --address "$address" \
  --name PludeEnvironment --type Keyword \
  --name PludeSubscription --type Keyword \
  --name PludeEvent --type Keyword \
  --name PludeEventType --type Keyword
temporal operator search-attribute list --namespace "$namespace" --address "$address"
