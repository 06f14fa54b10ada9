#!/usr/bin/env bash
# test.sh — THE test command of DirectUpload:   ./eng/test.sh
#
#   1. eng/install-deps.sh  (RGW packages, chromium, browser tests' npm packages; idempotent)
#   2. dotnet build DirectUpload.sln -c Release
#   3. a throwaway local S3 (Ceph RGW, eng/rgw/start-rgw.sh) on free loopback ports, unless
#      DIRECTUPLOAD_S3_ENDPOINT is already set (then that S3 is used, and nothing is started)
#   4. dotnet test (trx + console loggers, results in artifacts/test-results)
#   5. npm test in tests/DirectUpload.BrowserTests, if it has a package.json
#   6. stops the RGW it started, and prints one closing line:  N passed, N failed[, N skipped]
#
# Environment passed to the tests:
#   DIRECTUPLOAD_S3_ENDPOINT    e.g. http://127.0.0.1:23456 (path-style, plain HTTP)
#   DIRECTUPLOAD_S3_ACCESS_KEY  DIRECTUPLOAD_S3_SECRET_KEY
#   DIRECTUPLOAD_S3_BUCKET      bucket that exists, with a CORS rule for browsers (eng/rgw/cors.xml)
#   DIRECTUPLOAD_S3_REGION      us-east-1
#   DIRECTUPLOAD_RABBITMQ_URI   amqp://user:password@127.0.0.1:PORT/ of a throwaway RabbitMQ node (eng/rabbitmq/start-rabbitmq.sh)
#   DIRECTUPLOAD_RABBITMQ_RGW_PUSH_ENDPOINT  amqp://127.0.0.1:PORT, for RGW topics (broker tests)
#   DIRECTUPLOAD_S3_UPLOAD_ACCESS_KEY  DIRECTUPLOAD_S3_UPLOAD_SECRET_KEY
#                               the write-only identity that signs upload grants (RGW subuser
#                               <uid>:uploader made by start-rgw.sh); required by the tests of
#                               unsigned x-amz-* headers
#   DIRECTUPLOAD_CHROMIUM       path of Debian's chromium, when installed (for browser tests)
#   DIRECTUPLOAD_BROWSER_RESULTS_DIR  where the browser tests should write JUnit XML (*.xml)
#                               so that their counts join the closing line
# To use another S3 instead of RGW, set DIRECTUPLOAD_S3_ENDPOINT, _ACCESS_KEY, _SECRET_KEY
# and _BUCKET (and optionally _REGION) before calling this script.
#
# Exit status: non-zero if a build step failed, RGW could not start, any test failed, or no
# test ran at all. Logs of long steps: artifacts/logs/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ARTIFACTS="$ROOT/artifacts"
LOG_DIR="$ARTIFACTS/logs"
RESULTS_DIR="$ARTIFACTS/test-results"
BROWSER_RESULTS_DIR="$RESULTS_DIR/browser"
BROWSER_DIR="$ROOT/tests/DirectUpload.BrowserTests"
SOLUTION="DirectUpload.sln"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# no MSBuild worker nodes left behind holding the console after the build
export MSBUILDDISABLENODEREUSE=1

say() { printf '==> %s\n' "$*"; }
err() { printf 'ERROR: %s\n' "$*" >&2; }

rm -rf -- "$RESULTS_DIR"
mkdir -p "$LOG_DIR" "$RESULTS_DIR" "$BROWSER_RESULTS_DIR"

# ------------------------------------------------------------------ cleanup
RGW_STARTED=0
cleanup_done=0
stop_rgw() {
  if [ "$RGW_STARTED" = 1 ]; then
    RGW_STARTED=0
    # keep RGW's own logs next to the test results (small; the data dir itself goes away)
    if [ -d "${RGW_DATA_DIR:-}/log" ]; then
      rm -rf -- "$LOG_DIR/rgw"; cp -r "$RGW_DATA_DIR/log" "$LOG_DIR/rgw" 2>/dev/null || true
    fi
    "$ROOT/eng/rgw/stop-rgw.sh" "$RGW_DATA_DIR" >>"$LOG_DIR/rgw-stop.log" 2>&1 \
      || err "stop-rgw.sh failed; see $LOG_DIR/rgw-stop.log"
  fi
}
# >>> rabbitmq (issue 12): a throwaway RabbitMQ node for the broker tests
RABBITMQ_STARTED=0
stop_rabbitmq() {
  if [ "$RABBITMQ_STARTED" = 1 ]; then
    RABBITMQ_STARTED=0
    [ -d "${RABBITMQ_DATA_DIR:-}/log" ] && { rm -rf -- "$LOG_DIR/rabbitmq"; cp -r "$RABBITMQ_DATA_DIR/log" "$LOG_DIR/rabbitmq" 2>/dev/null || true; }
    "$ROOT/eng/rabbitmq/stop-rabbitmq.sh" "$RABBITMQ_DATA_DIR" >>"$LOG_DIR/rabbitmq-stop.log" 2>&1 \
      || err "stop-rabbitmq.sh failed; see $LOG_DIR/rabbitmq-stop.log"
  fi
}
# <<< rabbitmq
cleanup() {
  [ "$cleanup_done" = 1 ] && return 0
  cleanup_done=1
  stop_rabbitmq
  stop_rgw
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ 1. dependencies
say "installing dependencies (eng/install-deps.sh)"
DIRECTUPLOAD_LOG_DIR="$LOG_DIR" "$ROOT/eng/install-deps.sh"

# ------------------------------------------------------------------ 2. build
[ -f "$SOLUTION" ] || { err "$SOLUTION not found at the repository root"; exit 1; }
say "dotnet build $SOLUTION -c Release (log: artifacts/logs/build.log)"
set +e
dotnet build "$SOLUTION" -c Release 2>&1 | tee "$LOG_DIR/build.log"
build_rc=${PIPESTATUS[0]}
set -e
[ "$build_rc" = 0 ] || { err "dotnet build failed (exit $build_rc)"; exit 1; }

# ------------------------------------------------------------------ 3. S3 for the tests
if [ -n "${DIRECTUPLOAD_S3_ENDPOINT:-}" ]; then
  for v in DIRECTUPLOAD_S3_ACCESS_KEY DIRECTUPLOAD_S3_SECRET_KEY DIRECTUPLOAD_S3_BUCKET; do
    [ -n "${!v:-}" ] || { err "DIRECTUPLOAD_S3_ENDPOINT is set, so $v must be set too"; exit 1; }
  done
  export DIRECTUPLOAD_S3_REGION="${DIRECTUPLOAD_S3_REGION:-us-east-1}"
  say "using the S3 given in DIRECTUPLOAD_S3_ENDPOINT ($DIRECTUPLOAD_S3_ENDPOINT, bucket $DIRECTUPLOAD_S3_BUCKET); not starting RGW"
else
  say "starting local S3 (Ceph RGW) on free loopback ports (log: artifacts/logs/rgw-start.log)"
  if ! rgw_env="$(RGW_PICK_PORTS=1 "$ROOT/eng/rgw/start-rgw.sh" 2>"$LOG_DIR/rgw-start.log")"; then
    err "RGW could not start: $(grep -m1 -o 'ERROR: .*' "$LOG_DIR/rgw-start.log" | cut -c8- || echo 'see log')"
    err "last lines of $LOG_DIR/rgw-start.log:"
    tail -n 60 "$LOG_DIR/rgw-start.log" >&2
    exit 1
  fi
  eval "$rgw_env"
  [ -n "${RGW_DATA_DIR:-}" ] && [ -n "${RGW_ENDPOINT:-}" ] \
    || { err "start-rgw.sh printed no RGW_DATA_DIR / RGW_ENDPOINT"; exit 1; }
  RGW_STARTED=1
  export DIRECTUPLOAD_S3_ENDPOINT="$RGW_ENDPOINT"
  export DIRECTUPLOAD_S3_ACCESS_KEY="$RGW_ACCESS_KEY"
  export DIRECTUPLOAD_S3_SECRET_KEY="$RGW_SECRET_KEY"
  export DIRECTUPLOAD_S3_UPLOAD_ACCESS_KEY="$RGW_UPLOAD_ACCESS_KEY"
  export DIRECTUPLOAD_S3_UPLOAD_SECRET_KEY="$RGW_UPLOAD_SECRET_KEY"
  export DIRECTUPLOAD_S3_BUCKET="$RGW_BUCKET"
  export DIRECTUPLOAD_S3_REGION="$RGW_REGION"
  say "RGW ready: $DIRECTUPLOAD_S3_ENDPOINT, bucket $DIRECTUPLOAD_S3_BUCKET, region $DIRECTUPLOAD_S3_REGION ($(tail -n1 "$LOG_DIR/rgw-start.log" | sed 's/^\[[^]]*\] //'))"
fi

# >>> rabbitmq (issue 12): DIRECTUPLOAD_RABBITMQ_URI / _RGW_PUSH_ENDPOINT for the broker tests (fails loudly)
if [ -z "${DIRECTUPLOAD_RABBITMQ_URI:-}" ]; then
  say "starting RabbitMQ on free loopback ports (log: artifacts/logs/rabbitmq-start.log)"
  if ! rmq_env="$(env -u RABBITMQ_DATA_DIR -u RABBITMQ_PORT "$ROOT/eng/rabbitmq/start-rabbitmq.sh" 2>"$LOG_DIR/rabbitmq-start.log")"; then
    err "RabbitMQ could not start; last lines of $LOG_DIR/rabbitmq-start.log:"
    tail -n 40 "$LOG_DIR/rabbitmq-start.log" >&2
    exit 1
  fi
  RABBITMQ_DATA_DIR="$(printf '%s\n' "$rmq_env" | sed -n "s/^export RABBITMQ_DATA_DIR='\(.*\)'$/\1/p")"
  [ -n "$RABBITMQ_DATA_DIR" ] || { err "start-rabbitmq.sh printed no RABBITMQ_DATA_DIR"; exit 1; }
  RABBITMQ_STARTED=1
  export DIRECTUPLOAD_RABBITMQ_URI="$(printf '%s\n' "$rmq_env" | sed -n "s/^export RABBITMQ_URI='\(.*\)'$/\1/p")"
  export DIRECTUPLOAD_RABBITMQ_RGW_PUSH_ENDPOINT="$(printf '%s\n' "$rmq_env" | sed -n "s/^export RABBITMQ_RGW_PUSH_ENDPOINT='\(.*\)'$/\1/p")"
  say "RabbitMQ ready: $DIRECTUPLOAD_RABBITMQ_RGW_PUSH_ENDPOINT ($(tail -n1 "$LOG_DIR/rabbitmq-start.log" | sed 's/^\[[^]]*\] //'))"
fi
# <<< rabbitmq

if command -v chromium >/dev/null 2>&1; then
  export DIRECTUPLOAD_CHROMIUM="${DIRECTUPLOAD_CHROMIUM:-$(command -v chromium)}"
fi
export DIRECTUPLOAD_BROWSER_RESULTS_DIR="$BROWSER_RESULTS_DIR"

# ------------------------------------------------------------------ 4. dotnet test
say "dotnet test $SOLUTION -c Release (results: artifacts/test-results)"
set +e
dotnet test "$SOLUTION" -c Release --no-build \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$RESULTS_DIR" 2>&1 | tee "$LOG_DIR/test.log"
dotnet_test_rc=${PIPESTATUS[0]}
set -e

# ------------------------------------------------------------------ 5. browser tests
# >>> browser tests: runs once tests/DirectUpload.BrowserTests/package.json exists.
# Their counts join the closing line if they write JUnit XML into
# $DIRECTUPLOAD_BROWSER_RESULTS_DIR (e.g. node --test --test-reporter=junit
# --test-reporter-destination="$DIRECTUPLOAD_BROWSER_RESULTS_DIR/node.xml", or Playwright's
# junit reporter with PLAYWRIGHT_JUNIT_OUTPUT_NAME).
browser_rc=0
browser_ran=0
if [ -f "$BROWSER_DIR/package.json" ]; then
  say "npm test in tests/DirectUpload.BrowserTests"
  browser_ran=1
  set +e
  (cd "$BROWSER_DIR" && npm test) 2>&1 | tee "$LOG_DIR/browser-test.log"
  browser_rc=${PIPESTATUS[0]}
  set -e
fi
# <<< browser tests
# >>> browser client package (src/directupload-js): node's test runner (logic, the shared defaults table, npm pack and
# dotnet pack contents); JUnit XML into the same results dir, so its counts join the closing line
if [ -f "$ROOT/src/directupload-js/package.json" ]; then
  say "npm test in src/directupload-js"
  browser_ran=1
  set +e
  (cd "$ROOT/src/directupload-js" && npm test) 2>&1 | tee "$LOG_DIR/directupload-js-test.log"
  js_rc=${PIPESTATUS[0]}
  set -e
  [ "$js_rc" = 0 ] || browser_rc=$js_rc
fi
# <<< browser client package

# ------------------------------------------------------------------ 6. stop RGW, then summary
cleanup

# trx_counts FILE... — sums of the <Counters> of VSTest .trx files: "passed failed skipped total"
trx_counts() {
  local f
  for f in "$@"; do
    # one line per file: the attributes of its <Counters .../> element
    tr '\n\r' '  ' < "$f" | grep -o '<Counters [^>]*>' | head -n1
  done | awk '
    function attr(s, name,   m) {
      if (match(s, " " name "=\"[0-9]+\"")) {
        m = substr(s, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0
      }
      return 0
    }
    {
      total   += attr($0, "total")
      passed  += attr($0, "passed")
      failed  += attr($0, "failed") + attr($0, "error") + attr($0, "timeout") + attr($0, "aborted")
      # skipped tests: total - executed (xunit via VSTest leaves notExecuted at 0)
      s = attr($0, "total") - attr($0, "executed")
      if (attr($0, "notExecuted") > s) s = attr($0, "notExecuted")
      skipped += s
    }
    END { printf "%d %d %d %d\n", passed, failed, skipped, total }'
}

# junit_counts FILE... — counts of <testcase> elements in JUnit XML: "passed failed skipped total"
junit_counts() {
  local f
  for f in "$@"; do tr '\n\r' '  ' < "$f"; echo; done | awk '
    BEGIN { RS = "<testcase[ >/]" }
    NR > 1 {
      c = $0; e = index(c, "</testcase>"); if (e > 0) c = substr(c, 1, e)
      total++
      if (c ~ /<(failure|error)[ >\/]/) failed++
      else if (c ~ /<skipped[ >\/]/) skipped++
      else passed++
    }
    END { printf "%d %d %d %d\n", passed, failed, skipped, total }'
}

passed=0; failed=0; skipped=0; total=0
mapfile -t trx_files < <(find "$RESULTS_DIR" -name '*.trx' -type f 2>/dev/null | sort)
if [ "${#trx_files[@]}" -gt 0 ]; then
  read -r p f s t < <(trx_counts "${trx_files[@]}")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s)); total=$((total + t))
fi
if [ "$dotnet_test_rc" != 0 ] && [ "$failed" = 0 ]; then
  err "dotnet test exited $dotnet_test_rc but its .trx files show no failed test (crash, abort or no trx?): counted as 1 failed"
  failed=$((failed + 1))
fi

if [ "$browser_ran" = 1 ]; then
  mapfile -t junit_files < <(find "$BROWSER_RESULTS_DIR" -name '*.xml' -type f 2>/dev/null | sort)
  bf=0
  if [ "${#junit_files[@]}" -gt 0 ]; then
    read -r p f s t < <(junit_counts "${junit_files[@]}")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s)); total=$((total + t))
    bf=$f
  else
    say "browser tests wrote no JUnit XML into artifacts/test-results/browser; their counts are not in the total"
  fi
  if [ "$browser_rc" != 0 ] && [ "$bf" = 0 ]; then
    err "npm test exited $browser_rc with no failed test in JUnit results: counted as 1 failed"
    failed=$((failed + 1))
  fi
fi

# one line per suite, so each suite's count is visible (worded so that only the closing line reads "N passed, N failed")
say "per suite:"
for f in "${trx_files[@]}"; do
  # awk reads to the end (no early exit), so pipefail never sees a SIGPIPE here
  suite="$(tr '\n\r' '  ' < "$f" | { grep -o 'codeBase="[^"]*\.dll"' || true; } | awk 'NR == 1 { sub(/.*\//, ""); sub(/\.dll"$/, ""); print }')"
  read -r p f2 s t < <(trx_counts "$f")
  printf '    %-34s %5d tests: %d passing, %d failing, %d skipped\n' "${suite:-$(basename "$f")}" "$t" "$p" "$f2" "$s"
done
if [ "$browser_ran" = 1 ] && [ "${#junit_files[@]}" -gt 0 ]; then
  read -r p f2 s t < <(junit_counts "${junit_files[@]}")
  printf '    %-34s %5d tests: %d passing, %d failing, %d skipped\n' "DirectUpload.BrowserTests" "$t" "$p" "$f2" "$s"
fi

executed=$((passed + failed))
status=0
[ "$failed" = 0 ] || status=1
if [ "$executed" = 0 ]; then
  err "no test ran"
  status=1
fi
say "test results: ${#trx_files[@]} trx file(s) in artifacts/test-results; exit status $status"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
