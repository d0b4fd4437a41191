#!/bin/sh
# One-shot (temporalio/admin-tools), once the server answers: creates the namespace with an explicit retention
# (how long closed workflow histories are kept) or updates the retention of an existing one, registers the search
# attributes plude-webhooks' workflows set, and ends only once a visibility query on one of them answers, so that the
# api and worker (which wait for this job to succeed) can start workflows with them from their first publish.
# Each step is retried, RETRY_ATTEMPTS times at most (60), RETRY_DELAY seconds apart (2): a transient error costs a
# retry, not the stack; past the bound the job fails, saying which step. Safe to run again.
set -eu

address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_NAMESPACE_RETENTION:-720h}"
attempts="${RETRY_ATTEMPTS:-60}"
delay="${RETRY_DELAY:-2}"

# retry STEP COMMAND...: runs COMMAND until it succeeds, at most $attempts times.
retry() {
  step="$1"
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$attempts" ]; then
      echo "temporal-namespace: giving up on '${step}' after ${attempt} attempts" >&2
      return 1
    fi
    echo "temporal-namespace: '${step}' failed (attempt ${attempt} of ${attempts}); again in ${delay}s" >&2
    attempt=$((attempt + 1))
    sleep "$delay"
  done
}

# Describe, then update or create: a create that loses a race with another run (or whose answer was lost) fails
# with "already exists", and the next attempt describes the namespace and updates it instead.
ensure_namespace() {
  if temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
    echo "Namespace '${namespace}' exists: retention set to ${retention}"
    temporal operator namespace update --namespace "$namespace" --retention "$retention" --address "$address"
  else
    echo "Creating namespace '${namespace}' with retention ${retention}"
    temporal operator namespace create --namespace "$namespace" --retention "$retention" --address "$address"
  fi
}

register_search_attributes() {
  temporal operator search-attribute create --namespace "$namespace" --address "$address" \
    --name PludeEnvironment --type Keyword \
    --name PludeSubscription --type Keyword \
    --name PludeEvent --type Keyword \
    --name PludeEventType --type Keyword
}

# A freshly registered attribute is listed before visibility accepts queries on it: wait for a query that uses one.
query_visibility() {
  temporal workflow count --namespace "$namespace" --address "$address" --query "PludeEnvironment = 'plude-probe'"
}

echo "Waiting for the Temporal server at ${address}..."
retry "cluster health" temporal operator cluster health --address "$address"
retry "namespace ${namespace}" ensure_namespace
echo "Registering search attributes in '${namespace}'..."
retry "search attributes" register_search_attributes
retry "visibility query on PludeEnvironment" query_visibility
temporal operator search-attribute list --namespace "$namespace" --address "$address" || true
echo "Namespace '${namespace}' is ready: its search attributes answer queries"
