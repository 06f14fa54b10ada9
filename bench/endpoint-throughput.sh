#!/usr/bin/env bash
# endpoint-throughput.sh — requests/s of the grant endpoint (POST /uploads/documents, MapDirectUploads, presigned-POST
# profile, no authorization) against a bare minimal-API JSON endpoint in the SAME process, and their ratio (target ≥ 0.85).
#
#   bench/endpoint-throughput.sh [--rounds 9] [--seconds 4] [--warmup 15] [--max-warmup 120] [--connections 16] [--breakdown]
#
# Starts ONE bench/DirectUpload.EndpointBench process (Release, Kestrel on 127.0.0.1, a port the kernel picks) pinned to
# core 0 with taskset, and runs wrk (Debian package, installed here when missing) pinned to core 1 with a Lua script that
# POSTs the JSON body. It warms each endpoint up until tiered compilation is done with it: at least --warmup seconds, then
# 5 s more at a time until the JIT compiled fewer than 20 methods in the last 5 s (the host's JitInfo.GetCompiledMethodCount;
# at most --max-warmup seconds, with a warning). On one saturated core that takes 25-35 s per endpoint: the JIT shares the
# core with the load, and rounds measured before it is done are far below the rest. Then it alternates short a/b
# runs (a b, then b a, …; many short rounds, so that the median is robust to the load of the machine's other tenants,
# which moves requests/s by up to 3x between rounds) and prints, per run and as
# medians: requests/s, requests per server CPU-second (the server's user + system time from /proc, robust when other
# processes share core 0) and bytes allocated per request (GC.GetTotalAllocatedBytes from the host); then the ratio a/b
# both ways (median of the per-round ratios). --breakdown adds /bare-issue (the bare endpoint calling the issuer itself:
# bare + the grant) to show what the endpoint layer costs on top of the grant. No S3 is needed: presigning is local.
# Stops only the process it started, by PID. Exits non-zero when wrk saw a non-2xx answer or a broken connection
# (timeouts are reported: they mean the machine is overloaded).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

ROUNDS=9 SECONDS_PER_RUN=4 WARMUP=15 MAX_WARMUP=120 CONNECTIONS=16 BREAKDOWN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --max-warmup) MAX_WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --breakdown) BREAKDOWN=1; shift ;;
    *) echo "endpoint-throughput: unknown argument $1" >&2; exit 2 ;;
  esac
done

die() { echo "endpoint-throughput: $*" >&2; exit 1; }

if ! command -v wrk >/dev/null; then
  echo "endpoint-throughput: installing wrk (Debian package)" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y --no-install-recommends wrk >/dev/null 2>&1 \
    || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends wrk >/dev/null; } \
    || die "could not install wrk with apt-get"
  command -v wrk >/dev/null || die "wrk is still missing after apt-get install"
fi
command -v taskset >/dev/null || die "taskset (util-linux) is required"
command -v curl >/dev/null || die "curl is required"
[ "$(nproc --all)" -ge 2 ] || die "needs 2 cores: one for the server, one for wrk"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release bench/DirectUpload.EndpointBench >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }

# one process, pinned to core 0; production environment, so no developer exception page or Development settings
ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
  taskset -c 0 dotnet bench/DirectUpload.EndpointBench/bin/Release/net10.0/DirectUpload.EndpointBench.dll \
  --urls http://127.0.0.1:0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASE=""
for _ in $(seq 1 300); do
  BASE="$(sed -n 's/^listening on //p' "$WORK/server.log" | head -n1)"
  [ -n "$BASE" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the bench host exited"; }
  sleep 0.1
done
[ -n "$BASE" ] || { cat "$WORK/server.log" >&2; die "the bench host did not start listening within 30 s"; }

BODY='{"fileName":"Quarterly Report 2024.pdf","contentType":"application/pdf","size":2345678}'
cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
LUA

# both endpoints must answer 200 with a grant before anything is timed
for path in /uploads/documents /bare; do
  answer="$(curl -fsS -X POST -H 'Content-Type: application/json' --data "$BODY" "$BASE$path")" || die "POST $path failed"
  case "$answer" in *'"url":"http://127.0.0.1:9/bench-uploads'*'"token":"'*) ;; *) die "POST $path did not answer a grant: $answer" ;; esac
done

# CPU time (user + system, in clock ticks) the server process has used so far
CLK_TCK="$(getconf CLK_TCK)"
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }

# run_wrk PATH SECONDS -> prints "requests/s requests-per-server-CPU-second bytes-allocated-per-request"; fails on non-2xx answers or broken connections
run_wrk() {
  local out before after requests bytes_before bytes_after
  bytes_before="$(curl -fsS "$BASE/allocated")"
  before="$(server_ticks)"
  out="$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$2"s --timeout 10s --latency -s "$WORK/post.lua" "$BASE$1" 2>&1)" || { echo "$out" >&2; die "wrk failed on $1"; }
  after="$(server_ticks)"
  bytes_after="$(curl -fsS "$BASE/allocated")"
  # a non-2xx answer or a broken connection is a failure; a timeout only says the machine is overloaded
  if grep -qE 'Non-2xx|Socket errors: connect [1-9]|read [1-9]|write [1-9]' <<<"$out"; then echo "$out" >&2; die "wrk saw errors on $1"; fi
  if grep -q 'Socket errors' <<<"$out"; then echo "endpoint-throughput: $1: $(grep 'Socket errors' <<<"$out" | sed 's/^ *//') (the machine is overloaded)" >&2; fi
  requests="$(awk '/requests in/ { print $1 }' <<<"$out")"
  awk -v rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")" -v n="$requests" -v t="$((after - before))" -v hz="$CLK_TCK" \
    -v b="$((bytes_after - bytes_before))" 'BEGIN { printf "%s %.0f %.0f\n", rps, (t > 0 ? n * hz / t : 0), b / n }'
}

PATHS=(/uploads/documents /bare)
[ "$BREAKDOWN" = 1 ] && PATHS+=(/bare-issue)
echo "load before: $(uptime)"
# warm_up PATH: load PATH for WARMUP s, then 5 s at a time until the JIT compiled fewer than JIT_QUIET methods in 5 s
JIT_QUIET=20
warm_up() {
  local spent=0 before after compiled=""
  run_wrk "$1" "$WARMUP" >/dev/null
  spent="$WARMUP"
  while :; do
    before="$(curl -fsS "$BASE/jitted")"
    run_wrk "$1" 5 >/dev/null
    after="$(curl -fsS "$BASE/jitted")"
    compiled=$((after - before)); spent=$((spent + 5))
    [ "$compiled" -lt "$JIT_QUIET" ] && break
    if [ "$spent" -ge "$MAX_WARMUP" ]; then
      echo "endpoint-throughput: warning: $1 still compiled $compiled methods in 5 s after $spent s of warm-up" >&2
      break
    fi
  done
  echo "warm-up: $1 $spent s (methods compiled in the last 5 s: $compiled)"
}
curl -fsS "$BASE/jitted" >/dev/null
for path in "${PATHS[@]}"; do warm_up "$path"; done

declare -A RPS=() PER_CPU=() BYTES=()
ROUND_RATIOS="" ROUND_CPU_RATIOS=""
printf '%-6s %-20s %12s %16s %12s\n' "round" "endpoint" "req/s" "req/CPU-second" "B/request"
for round in $(seq 1 "$ROUNDS"); do
  order=("${PATHS[@]}")
  if [ $((round % 2)) = 0 ]; then order=(); for ((i = ${#PATHS[@]} - 1; i >= 0; i--)); do order+=("${PATHS[$i]}"); done; fi
  declare -A THIS=() THIS_CPU=()
  for path in "${order[@]}"; do
    read -r rps percpu bytes <<<"$(run_wrk "$path" "$SECONDS_PER_RUN")"
    RPS[$path]="${RPS[$path]:-} $rps"; PER_CPU[$path]="${PER_CPU[$path]:-} $percpu"; BYTES[$path]="${BYTES[$path]:-} $bytes"
    THIS[$path]="$rps"; THIS_CPU[$path]="$percpu"
    printf '%-6s %-20s %12s %16s %12s\n' "$round" "$path" "$rps" "$percpu" "$bytes"
  done
  ROUND_RATIOS="$ROUND_RATIOS $(awk -v a="${THIS[/uploads/documents]}" -v b="${THIS[/bare]}" 'BEGIN { print a / b }')"
  ROUND_CPU_RATIOS="$ROUND_CPU_RATIOS $(awk -v a="${THIS_CPU[/uploads/documents]}" -v b="${THIS_CPU[/bare]}" 'BEGIN { print (b > 0 ? a / b : 0) }')"
done
echo "load after:  $(uptime)"

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
A="$(median "${RPS[/uploads/documents]}")"; B="$(median "${RPS[/bare]}")"
A_CPU="$(median "${PER_CPU[/uploads/documents]}")"; B_CPU="$(median "${PER_CPU[/bare]}")"
echo
printf '%-40s %12s %16s %18s %12s\n' "endpoint (medians)" "req/s" "req/CPU-second" "server CPU µs/req" "B/request"
printf '%-40s %12.0f %16.0f %18.1f %12s\n' "(a) POST /uploads/documents (grant)" "$A" "$A_CPU" "$(awk -v r="$A_CPU" 'BEGIN { print 1e6 / r }')" "$(median "${BYTES[/uploads/documents]}")"
printf '%-40s %12.0f %16.0f %18.1f %12s\n' "(b) POST /bare (minimal API)" "$B" "$B_CPU" "$(awk -v r="$B_CPU" 'BEGIN { print 1e6 / r }')" "$(median "${BYTES[/bare]}")"
if [ "$BREAKDOWN" = 1 ]; then
  C_CPU="$(median "${PER_CPU[/bare-issue]}")"
  printf '%-40s %12.0f %16.0f %18.1f %12s\n' "(c) POST /bare-issue (bare + issuer)" "$(median "${RPS[/bare-issue]}")" "$C_CPU" "$(awk -v r="$C_CPU" 'BEGIN { print 1e6 / r }')" "$(median "${BYTES[/bare-issue]}")"
  awk -v a="$A_CPU" -v b="$B_CPU" -v c="$C_CPU" 'BEGIN { printf "server CPU per request: the grant inside the server (c - b) %.1f µs; the endpoint layer on top of it (a - c) %.1f µs\n", 1e6 / c - 1e6 / b, 1e6 / a - 1e6 / c }'
fi
awk -v r="$(median "$ROUND_CPU_RATIOS")" 'BEGIN { printf "ratio a/b, requests per server CPU-second (median of the rounds): %.3f\n", r }'
# how far the rounds spread: one run's median moves with the machine's other tenants, so read it with its quartiles
tr ' ' '\n' <<<"$ROUND_RATIOS" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END {
  printf "ratio a/b per round, requests/s: min %.3f, quartiles %.3f / %.3f / %.3f, max %.3f (%d rounds)\n", v[1], v[int((NR + 3) / 4)], (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[int((3 * NR + 3) / 4)], v[NR], NR }'
awk -v r="$(median "$ROUND_RATIOS")" 'BEGIN { printf "ratio a/b, requests/s (median of the rounds): %.3f  (target >= 0.85: %s)\n", r, (r >= 0.85) ? "met" : "NOT met" }'
