#!/usr/bin/env bash
# The steps of .github/workflows/self-test.yml that are not the action itself: start the simulated AWS
# in the background, check a step's outputs, stop the simulator and fail on any invariant violation it
# recorded. The workflow runs the action with `uses: ./` between these steps; `node
# scripts/self-test/replay.mjs` runs the same workflow file on a laptop (see CONTRIBUTING.md).
#
#   run.sh start                  start `npm run simulate` (scripts/simulate.ts) with one service on a free
#                                 loopback port, wait until it answers, append its environment
#                                 (AWS_ENDPOINT_URL, AWS_REGION, dummy credentials) to $GITHUB_ENV
#   run.sh expect NAME=VALUE ...  compare outputs, passed as OUTPUT_<NAME> variables (upper-cased, - as _)
#   run.sh stop                   SIGTERM the simulator, print its log, fail unless it recorded no violation
#
# Needs RUNNER_TEMP and GITHUB_ENV (a runner sets both) and the repository's node_modules (npm ci).
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${RUNNER_TEMP:?RUNNER_TEMP is not set (a runner sets it)}"
SIM_LOG="$RUNNER_TEMP/aws-sim.log"
SIM_PID="$RUNNER_TEMP/aws-sim.pid"

# The topology: the `single` preset (prod-web-blue serves v1 on 3 instances, prod-web-green idle, one target
# group). Virtual time runs 60x real time: a 60 s launch takes 1 s, the 300 s deregistration delay 5 s. The
# action's own waits are real time; the workflow sets poll-interval 1s and health-timeout 2m for that.
SIM_ARGS=(--scenario single --speed 60 --port 0)

start() {
  : "${GITHUB_ENV:?GITHUB_ENV is not set (a runner sets it)}"
  # tsx directly, not `npm run`: the pid is then the simulator's, and SIGTERM reaches it.
  node_modules/.bin/tsx scripts/simulate.ts "${SIM_ARGS[@]}" >"$SIM_LOG" 2>&1 &
  local pid=$!
  echo "$pid" >"$SIM_PID"
  # It prints the variables once it listens; the last one marks the end of the block.
  local waited=0
  until grep -q '^  export AWS_EC2_METADATA_DISABLED=' "$SIM_LOG"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$SIM_LOG"
      echo "::error::the simulator exited before it listened"
      return 1
    fi
    if ((waited >= 600)); then
      cat "$SIM_LOG"
      echo "::error::the simulator did not listen within 60 s"
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  local url
  url="$(sed -n 's/^  export AWS_ENDPOINT_URL=//p' "$SIM_LOG")"
  # Any HTTP answer will do (a request without an action is a 400): the server is up.
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$url/" || true)"
  if [[ "$code" == 000 || -z "$code" ]]; then
    cat "$SIM_LOG"
    echo "::error::the simulator at $url does not answer"
    return 1
  fi
  # The printed `export NAME=VALUE` lines go to GITHUB_ENV as NAME=VALUE. Our values need no quoting; a
  # quoted one would mean the simulator's output changed, so refuse it rather than write it half-right.
  local exports
  exports="$(sed -n 's/^  export \(AWS_[A-Z0-9_]*=.*\)$/\1/p' "$SIM_LOG")"
  if grep -q "['\"\\\\]" <<<"$exports"; then
    echo "::error::unexpected quoting in the simulator's variables: $exports"
    return 1
  fi
  echo "$exports" >>"$GITHUB_ENV"
  sed -n '1,3p' "$SIM_LOG"
  echo "simulated AWS answers on $url (HTTP $code); to GITHUB_ENV:"
  while IFS= read -r line; do echo "  $line"; done <<<"$exports"
}

expect() {
  local failed=0 pair name want var got
  for pair in "$@"; do
    name="${pair%%=*}"
    want="${pair#*=}"
    var="OUTPUT_$(tr 'a-z-' 'A-Z_' <<<"$name")"
    got="${!var-}"
    if [[ -z "${!var+set}" ]]; then
      echo "::error::$name: $var is not passed to this step (add it to the step's env)"
      failed=1
    elif [[ "$got" == "$want" ]]; then
      echo "ok: $name = $want"
    else
      echo "::error::$name is '$got', expected '$want'"
      failed=1
    fi
  done
  return "$failed"
}

stop() {
  if [[ ! -f "$SIM_PID" ]]; then
    echo "::error::no simulator was started (no $SIM_PID)"
    return 1
  fi
  local pid
  pid="$(cat "$SIM_PID")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < 150)); do
      sleep 0.1
      waited=$((waited + 1))
    done
  else
    echo "::warning::the simulator had already exited"
  fi
  rm -f "$SIM_PID"
  echo "::group::simulator log"
  cat "$SIM_LOG"
  echo "::endgroup::"
  # On SIGTERM it prints a last status line and `invariant violations: none` (or the list of them).
  if ! grep -q 'invariant violations: none' "$SIM_LOG"; then
    grep -A50 'invariant violations' "$SIM_LOG" || true
    echo "::error::the simulator recorded invariant violations, or did not stop cleanly"
    return 1
  fi
  tail -n 2 "$SIM_LOG"
}

case "${1-}" in
  start) start ;;
  expect)
    shift
    expect "$@"
    ;;
  stop) stop ;;
  *)
    echo "usage: $0 start | expect NAME=VALUE ... | stop" >&2
    exit 2
    ;;
esac
