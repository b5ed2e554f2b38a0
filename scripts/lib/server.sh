# Helpers shared by the scripts that run a real homeserver on loopback (scripts/synapse/,
# scripts/dendrite/); sourced, not run. The sourcing script sets SERVER_TAG (the log prefix) first.

say() { printf '[%s] %s\n' "$SERVER_TAG" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$SERVER_TAG" "$*" >&2; exit 1; }

# The pid kept in file $1 if that process is alive (exit status 1 when not).
pid_alive() {
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# The profile file $1 as an absolute path (it is read again after a cd to the repository), or die.
profile_path() {
  [[ -f "$1" ]] || die "no such profile: $1"
  realpath "$1"
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Wait until URL answers GET /_matrix/client/versions, at most $2 seconds; `$3` is a command that fails
# once the server has exited (then the wait ends at once). Exit status 1 on either.
wait_for_versions() {
  local url="$1" alive="$3" deadline=$(($(date +%s) + $2))
  until curl -fsS --max-time 2 "$url/_matrix/client/versions" >/dev/null 2>&1; do
    $alive >/dev/null || return 1
    (($(date +%s) < deadline)) || return 1
    sleep 0.5
  done
}

# After start.sh launched the server: wait for URL $2 to answer (at most $3 s; started at epoch second
# $4), $1 naming the server ("Dendrite v0.13.8"). If it exits first, the tail of its logs ($5...) is
# shown; if it never answers, it is stopped ($here/stop.sh); either way the script dies. Otherwise the
# ready line goes to stderr and the URL to stdout.
await_start() {
  local name="$1" url="$2" timeout="$3" started="$4"
  shift 4
  if ! wait_for_versions "$url" "$timeout" running_pid; then
    if ! running_pid >/dev/null; then
      tail -n 30 "$@" >&2 2>/dev/null || true
      die "$name exited during start-up (log above)"
    fi
    bash "$here/stop.sh" || true
    die "$name did not answer $url/_matrix/client/versions within $timeout s"
  fi
  say "ready: $url ($name, pid $(running_pid), up in $(($(date +%s) - started)) s)"
  echo "$url"
}

# For a run: use the server that is running, or start one with the calling script's start.sh ($here/)
# from profile $1, stopped again when the calling script exits unless $2 is 1 (the trap is set before
# starting, so that an interrupted start-up leaves no server behind either). $3: the server's URL file.
start_unless_running() {
  if running_pid >/dev/null; then
    say "using the running server at $(cat "$3")"
    return 0
  fi
  if [[ "$2" != 1 ]]; then
    trap 'bash "$here/stop.sh"' EXIT
  fi
  bash "$here/start.sh" "$1" >/dev/null
}

# Run the suites against URL $1 with the profile $2, extra `run` options after $3 (where the server's
# log is, named at the end); returns run's exit status.
run_suites() {
  local url="$1" profile="$2" log="$3" status
  shift 3
  say "running the suites against $url with $profile"
  set +e
  (cd "$repo_root" && "$repo_root/node_modules/.bin/tsx" cli/main.ts run --homeserver "$url" --target "$profile" "$@")
  status=$?
  set -e
  say "run finished with exit status $status (server log: $log)"
  return $status
}

# Stop the process whose pid is in file $1: SIGTERM, SIGKILL after $2 seconds; removes the file.
stop_pid_file() {
  local file="$1" limit="$2" pid i
  if ! pid="$(pid_alive "$file")"; then
    say "not running"
    rm -f "$file"
    return 0
  fi
  say "stopping (pid $pid)"
  # It may have exited since it was looked at: then there is nothing to stop.
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < limit * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$file"; say "stopped"; return 0; }
    sleep 0.1
  done
  say "still running after $limit s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
  say "killed"
}

# Measure the server at URL $1 with `bench` (the built CLI, as it ships), profile $2, extra `bench`
# options after $3 (where the server's log is, named at the end); returns bench's exit status.
bench_server() {
  local url="$1" profile="$2" log="$3" status
  shift 3
  say "measuring $url with bench and $profile"
  set +e
  (cd "$repo_root" && node dist/cli/main.js bench --homeserver "$url" --target "$profile" "$@")
  status=$?
  set -e
  say "bench finished with exit status $status (server log: $log)"
  return $status
}
