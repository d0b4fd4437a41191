#!/bin/sh
# Registers the custom search attributes that plude-webhooks' workflows set. Safe to run again:
# the CLI and server skip attributes that already exist with the same type.
set -eu

address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"

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

echo "Waiting for namespace '$namespace' at $address..."
retry temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null

echo "Registering search attributes in '$namespace'..."
retry temporal operator search-attribute create --namespace "$namespace" --address "$address" \
  --name PludeEnvironment --type Keyword \
  --name PludeSubscription --type Keyword \
  --name PludeEvent --type Keyword \
  --name PludeEventType --type Keyword

temporal operator search-attribute list --namespace "$namespace" --address "$address"
