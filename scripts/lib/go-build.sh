# Sourced by scripts/obtain-temporal.sh and scripts/obtain-temporal-server.sh (which define `say`).
#
# go_build_with_progress MESSAGE COMMAND...: runs COMMAND (a `go install`) in the background with its output in a
# temporary log, says MESSAGE and the seconds so far every 15 s, and returns its exit code; on a failure it prints
# the log's last 20 lines first. Ctrl-C and SIGTERM stop the build too (background jobs of a non-interactive shell
# ignore them).
go_build_with_progress() {
  local msg="$1"
  shift
  local log_file start build_pid rc=0
  log_file="$(mktemp -t go-build.XXXXXX.log)"
  start=$SECONDS
  "$@" >"$log_file" 2>&1 &
  build_pid=$!
  trap 'kill "$build_pid" 2>/dev/null || true; rm -f "$log_file"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  while kill -0 "$build_pid" 2>/dev/null; do
    for _ in $(seq 1 15); do
      kill -0 "$build_pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$build_pid" 2>/dev/null; then
      say "$msg $((SECONDS - start))s"
    fi
  done
  wait "$build_pid" || rc=$?
  trap - EXIT INT TERM
  if [[ $rc -ne 0 ]]; then
    say "error: '$*' failed (exit $rc) after $((SECONDS - start))s; its last lines:"
    tail -n 20 "$log_file" >&2 || true
  fi
  rm -f "$log_file"
  return "$rc"
}
