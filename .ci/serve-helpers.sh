# Starting and stopping `varkat serve` for the CI scripts that need a running server.
# Source it; it defines start_server and stop_server.

# start_server LOG ARGS...: starts `varkat serve --addr 127.0.0.1:0 ARGS...` in the background,
# waits until /healthz answers, and sets SERVER_PID and SERVER_URL.
start_server() {
  local log="$1"
  shift
  "${VARKAT_BIN:-target/release/varkat}" serve --addr 127.0.0.1:0 "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  SERVER_URL=""
  for _ in $(seq 1 300); do
    SERVER_URL="$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 || true)"
    if [[ -n "$SERVER_URL" ]] && curl -sf "$SERVER_URL/healthz" >/dev/null; then
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "varkat serve exited early:"; cat "$log"; return 1
    fi
    sleep 0.2
  done
  echo "varkat serve did not come up:"; cat "$log"; return 1
}

# stop_server: SIGTERM, then checks that the server shut down cleanly (exit status 0).
stop_server() {
  kill -TERM "$SERVER_PID"
  local status=0
  wait "$SERVER_PID" || status=$?
  if [[ $status -ne 0 ]]; then
    echo "varkat serve exited with status $status after SIGTERM"; return 1
  fi
  echo "varkat serve stopped cleanly on SIGTERM"
}
