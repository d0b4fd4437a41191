#!/usr/bin/env bash
# Prints the absolute path of a usable Temporal CLI (v1.5.1) on stdout, and nothing else.
# Progress and warnings go to stderr. Lookup order:
#   1) $TEMPORAL_CLI_PATH   2) `temporal` on PATH   3) $(go env GOPATH)/bin/temporal
#   4) build it with `go install` (cold build ~5.5 min, ~1.9 GB RAM); lands in 3) for next time.
set -euo pipefail

WANT_VERSION="1.5.1"
MODULE="github.com/temporalio/cli/cmd/temporal@v${WANT_VERSION}"

say() { printf '[obtain-temporal] %s\n' "$*" >&2; }
# shellcheck source=lib/go-build.sh
source "$(dirname "$0")/lib/go-build.sh"

abs_path() {
  local p="$1"
  case "$p" in
    /*) printf '%s\n' "$p" ;;
    *) printf '%s/%s\n' "$(cd "$(dirname "$p")" && pwd)" "$(basename "$p")" ;;
  esac
}

# Warns (but does not fail) when the binary is not the expected version. A plain `go install`
# build reports "0.0.0-DEV" (release builds set the version via -ldflags), so for those the
# module version embedded in the binary (`go version -m`) decides.
check_version() {
  local bin="$1" out
  if ! out="$("$bin" --version 2>/dev/null)"; then
    say "warning: '$bin --version' failed; using it anyway"
    return 0
  fi
  # e.g. "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"
  [[ "$out" =~ version\ ${WANT_VERSION//./\\.}([[:space:]]|$) ]] && return 0
  if [[ "$out" == *"version 0.0.0-DEV"* ]] && command -v go >/dev/null 2>&1 &&
    go version -m "$bin" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/temporalio/cli[[:space:]]+v${WANT_VERSION//./\\.}[[:space:]]"; then
    return 0
  fi
  if [[ "$out" == *"version 0.0.0-DEV"* ]]; then
    say "warning: $bin reports '$out' (a plain go build; could not confirm it is v${WANT_VERSION}); using it anyway"
  else
    say "warning: $bin reports '$out', expected v${WANT_VERSION}; using it anyway"
  fi
}

# 1) explicit override
if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
  if [[ ! -f "$TEMPORAL_CLI_PATH" || ! -x "$TEMPORAL_CLI_PATH" ]]; then
    say "error: TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file"
    exit 2
  fi
  abs_path "$TEMPORAL_CLI_PATH"
  exit 0
fi

# 2) on PATH
if on_path="$(command -v temporal 2>/dev/null)" && [[ -n "$on_path" ]]; then
  on_path="$(abs_path "$on_path")"
  check_version "$on_path"
  printf '%s\n' "$on_path"
  exit 0
fi

no_go() {
  say "error: no Temporal CLI found and Go is not installed, so it cannot be built."
  say "Fix one of:"
  say "  - install Go (https://go.dev/dl/) and re-run: this builds $MODULE"
  say "  - install the Temporal CLI v${WANT_VERSION} and set TEMPORAL_CLI_PATH=/path/to/temporal (or put it on PATH)"
  say "  - point TEMPORAL_ADDRESS=host:port at an already-running Temporal server"
  exit 3
}

if ! command -v go >/dev/null 2>&1; then
  # Without Go, still find a CLI that an earlier build left in the default Go bin dir.
  fallback="${GOBIN:-${GOPATH:-$HOME/go}/bin}/temporal"
  if [[ -x "$fallback" ]]; then
    check_version "$fallback"
    printf '%s\n' "$fallback"
    exit 0
  fi
  no_go
fi

GOPATH_DIR="$(go env GOPATH | cut -d: -f1)"
[[ -n "$GOPATH_DIR" ]] || GOPATH_DIR="$HOME/go"
GOBIN_DIR="$(go env GOBIN)"
[[ -n "$GOBIN_DIR" ]] || GOBIN_DIR="$GOPATH_DIR/bin"
TARGET="$GOBIN_DIR/temporal"

# 3) shared Go bin dir (every checkout on this machine, CI's fresh clone included)
if [[ -x "$TARGET" ]]; then
  check_version "$TARGET"
  printf '%s\n' "$TARGET"
  exit 0
fi

# 4) build it (one build at a time per machine: a lock for builds started by this script, and a
# wait for a plain `go install` of the same module that someone started by hand)
mkdir -p "$GOBIN_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$GOBIN_DIR/.temporal-cli-build.lock"
  if ! flock -n 9; then
    say "another obtain-temporal.sh is building the CLI; waiting for it…"
    flock 9
  fi
fi
start=$SECONDS
while command -v pgrep >/dev/null 2>&1 && pgrep -f "go install ${MODULE}" >/dev/null 2>&1; do
  say "a 'go install ${MODULE}' is already running; waiting for it… $((SECONDS - start))s"
  sleep 15
done
if [[ -x "$TARGET" ]]; then
  check_version "$TARGET"
  printf '%s\n' "$TARGET"
  exit 0
fi

BUILD_MSG="building Temporal CLI v${WANT_VERSION} with Go (cold build ~5.5 min, ~1.9 GB RAM)…"
say "$BUILD_MSG into $TARGET"
start=$SECONDS
if ! go_build_with_progress "$BUILD_MSG" go install -ldflags "-X github.com/temporalio/cli/temporalcli.Version=${WANT_VERSION}" "$MODULE"; then
  say "alternatively set TEMPORAL_CLI_PATH to a Temporal CLI binary, or TEMPORAL_ADDRESS to a running server"
  exit 4
fi
if [[ ! -x "$TARGET" ]]; then
  say "error: build finished but $TARGET does not exist (GOBIN/GOPATH mismatch?)"
  exit 4
fi
say "built $TARGET in $((SECONDS - start))s"
printf '%s\n' "$TARGET"
