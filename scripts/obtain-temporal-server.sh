#!/usr/bin/env bash
# Prints the absolute paths of a usable Temporal server (v1.29.1) and its SQL schema tool (same
# module version) on stdout as exactly two lines, and nothing else:
#   TEMPORAL_SERVER_PATH=/abs/path/temporal-server
#   TEMPORAL_SQL_TOOL_PATH=/abs/path/temporal-sql-tool
# Progress and warnings go to stderr. Lookup order, for each binary:
#   1) $TEMPORAL_SERVER_PATH / $TEMPORAL_SQL_TOOL_PATH (used as given; a version mismatch only warns)
#   2) $(go env GOBIN or GOPATH/bin)/temporal-server and temporal-sql-tool, if they are v1.29.1
#   3) the private build dir $(go env GOPATH)/pkg/plude-temporal-server-v1.29.1/{server,sql}, if built
#   4) a plain `go install …/cmd/server@v1.29.1 …/cmd/tools/sql@v1.29.1` left `server` and `sql`
#      in the Go bin dir: adopted (hard-linked into 3) if `go version -m` says they are v1.29.1
#   5) build both with `go install` into 3) (cold build ~7 min, ~2 GB RAM)
# 3)-5) then symlink 2) to 3), so every checkout on the machine finds them next time. `go install`
# names the binaries after their directories (`server`, `sql`): too generic for a shared bin dir,
# hence the private dir and the links.
set -euo pipefail

WANT_VERSION="1.29.1"
MODULE="go.temporal.io/server"
SERVER_PKG="$MODULE/cmd/server"
SQL_PKG="$MODULE/cmd/tools/sql"

say() { printf '[obtain-temporal-server] %s\n' "$*" >&2; }
# shellcheck source=lib/go-build.sh
source "$(dirname "$0")/lib/go-build.sh"

abs_path() {
  local p="$1"
  case "$p" in
    /*) printf '%s\n' "$p" ;;
    *) printf '%s/%s\n' "$(cd "$(dirname "$p")" && pwd)" "$(basename "$p")" ;;
  esac
}

have_go() { command -v go >/dev/null 2>&1; }

# True when $1 is the package $2 built from go.temporal.io/server v1.29.1. With Go, `go version -m`
# decides (package path and module version); without it, `--version` (the server and the tool both
# print the server's version constant, e.g. "temporal version 1.29.1").
is_wanted() {
  local bin="$1" pkg="$2" info
  [[ -f "$bin" && -x "$bin" ]] || return 1
  if have_go; then
    info="$(go version -m "$bin" 2>/dev/null)" || return 1
    grep -Eq "^[[:space:]]+path[[:space:]]+${pkg//./\\.}$" <<<"$info" &&
      grep -Eq "^[[:space:]]+mod[[:space:]]+${MODULE//./\\.}[[:space:]]+v${WANT_VERSION//./\\.}([[:space:]]|$)" <<<"$info"
  else
    "$bin" --version 2>/dev/null | grep -Eq "version ${WANT_VERSION//./\\.}$"
  fi
}

# An explicit override: must be an executable file; a different version only warns.
from_env() {
  local var="$1" pkg="$2" value="${!1}"
  if [[ ! -f "$value" || ! -x "$value" ]]; then
    say "error: $var=$value is not an executable file"
    exit 2
  fi
  is_wanted "$value" "$pkg" || say "warning: $var=$value is not $pkg v${WANT_VERSION} (or cannot tell); using it anyway"
  abs_path "$value"
}

emit() { printf 'TEMPORAL_SERVER_PATH=%s\nTEMPORAL_SQL_TOOL_PATH=%s\n' "$1" "$2"; }

# 1) explicit overrides
server_path=""
sql_path=""
[[ -n "${TEMPORAL_SERVER_PATH:-}" ]] && server_path="$(from_env TEMPORAL_SERVER_PATH "$SERVER_PKG")"
[[ -n "${TEMPORAL_SQL_TOOL_PATH:-}" ]] && sql_path="$(from_env TEMPORAL_SQL_TOOL_PATH "$SQL_PKG")"
if [[ -n "$server_path" && -n "$sql_path" ]]; then
  emit "$server_path" "$sql_path"
  exit 0
fi

if have_go; then
  GOPATH_DIR="$(go env GOPATH | cut -d: -f1)"
  GOBIN_DIR="$(go env GOBIN)"
else
  GOPATH_DIR="${GOPATH:-}"
  GOPATH_DIR="${GOPATH_DIR%%:*}"
  GOBIN_DIR="${GOBIN:-}"
fi
[[ -n "$GOPATH_DIR" ]] || GOPATH_DIR="$HOME/go"
[[ -n "$GOBIN_DIR" ]] || GOBIN_DIR="$GOPATH_DIR/bin"
SERVER_LINK="$GOBIN_DIR/temporal-server"
SQL_LINK="$GOBIN_DIR/temporal-sql-tool"
PRIVATE_DIR="$GOPATH_DIR/pkg/plude-temporal-server-v${WANT_VERSION}"

# 2) shared Go bin dir
found() {
  is_wanted "$SERVER_LINK" "$SERVER_PKG" && is_wanted "$SQL_LINK" "$SQL_PKG" || return 1
  emit "${server_path:-$SERVER_LINK}" "${sql_path:-$SQL_LINK}"
}
found && exit 0

# Points the shared names at the private build dir (replacing older links or copies).
link_and_emit() {
  ln -sfn "$PRIVATE_DIR/server" "$SERVER_LINK"
  ln -sfn "$PRIVATE_DIR/sql" "$SQL_LINK"
  say "linked $SERVER_LINK and $SQL_LINK -> $PRIVATE_DIR/"
  emit "${server_path:-$SERVER_LINK}" "${sql_path:-$SQL_LINK}"
}
private_ready() { is_wanted "$PRIVATE_DIR/server" "$SERVER_PKG" && is_wanted "$PRIVATE_DIR/sql" "$SQL_PKG"; }

if ! have_go; then
  say "error: no Temporal server v${WANT_VERSION} found (looked for $SERVER_LINK and $SQL_LINK) and Go is not installed, so it cannot be built."
  say "Fix one of:"
  say "  - install Go (https://go.dev/dl/) and re-run: this builds $SERVER_PKG@v${WANT_VERSION} and $SQL_PKG@v${WANT_VERSION}"
  say "  - set TEMPORAL_SERVER_PATH=/path/to/temporal-server and TEMPORAL_SQL_TOOL_PATH=/path/to/temporal-sql-tool (v${WANT_VERSION})"
  exit 3
fi

mkdir -p "$GOBIN_DIR" "$PRIVATE_DIR"
# One build at a time per machine: a lock for builds started by this script, and a wait for a plain
# `go install` of the same packages that someone started by hand.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$PRIVATE_DIR/.build.lock"
  if ! flock -n 9; then
    say "another obtain-temporal-server.sh is obtaining the server; waiting for it…"
    flock 9
  fi
fi
start=$SECONDS
while command -v pgrep >/dev/null 2>&1 && pgrep -f "go install .*${SERVER_PKG}@v${WANT_VERSION}" >/dev/null 2>&1; do
  say "a 'go install ${SERVER_PKG}@v${WANT_VERSION}' is already running; waiting for it… $((SECONDS - start))s"
  sleep 15
done

# 3) built before (possibly by the caller we just waited for)
if found || { private_ready && link_and_emit; }; then exit 0; fi

# 4) adopt what a plain `go install` put in the Go bin dir (hard link, or copy across file systems)
if is_wanted "$GOBIN_DIR/server" "$SERVER_PKG" && is_wanted "$GOBIN_DIR/sql" "$SQL_PKG"; then
  say "adopting $GOBIN_DIR/server and $GOBIN_DIR/sql (v${WANT_VERSION}) into $PRIVATE_DIR"
  for name in server sql; do
    ln -f "$GOBIN_DIR/$name" "$PRIVATE_DIR/$name.tmp" 2>/dev/null || cp -f "$GOBIN_DIR/$name" "$PRIVATE_DIR/$name.tmp"
    mv -f "$PRIVATE_DIR/$name.tmp" "$PRIVATE_DIR/$name"
  done
  link_and_emit
  exit 0
fi

# 5) build
BUILD_MSG="building Temporal server v${WANT_VERSION} and its SQL tool with Go (cold build ~7 min, ~2 GB RAM)…"
say "$BUILD_MSG into $PRIVATE_DIR"
start=$SECONDS
if ! go_build_with_progress "$BUILD_MSG" env GOBIN="$PRIVATE_DIR" go install "${SERVER_PKG}@v${WANT_VERSION}" "${SQL_PKG}@v${WANT_VERSION}"; then
  say "alternatively set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH to v${WANT_VERSION} binaries"
  exit 4
fi
if ! private_ready; then
  say "error: build finished but $PRIVATE_DIR/server and sql are missing or not v${WANT_VERSION}"
  exit 4
fi
say "built $PRIVATE_DIR/server and sql in $((SECONDS - start))s"
link_and_emit
