#!/usr/bin/env bash
# run-sample.sh — run samples/DirectUpload.Sample against a throwaway local S3 (Ceph RGW).
#
#   ./eng/run-sample.sh [--workers N] [arguments for the sample...]
#
# --workers N: also start a throwaway RabbitMQ (eng/rabbitmq/), point RGW's persistent AMQP topic
# for photos/ at it, and run N worker processes of the sample (worker-1…N, see eng/sample-workers.sh
# and samples/DirectUpload.Sample/SampleWorker.cs) that make the thumbnails; the web host then only
# signs grants and serves the album.
#
# Installs the RGW packages if missing (eng/rgw/install-rgw.sh, needs root), starts RGW on
# 127.0.0.1:7480 (mon 3300) when those ports are free, else on free random ports, exports
#   DIRECTUPLOAD_S3_ENDPOINT DIRECTUPLOAD_S3_ACCESS_KEY DIRECTUPLOAD_S3_SECRET_KEY
#   DIRECTUPLOAD_S3_BUCKET DIRECTUPLOAD_S3_REGION
# runs `dotnet run --project samples/DirectUpload.Sample`, and stops RGW when the sample
# exits or on Ctrl-C / TERM. RGW_CORS_ORIGINS (comma-separated) restricts the bucket's CORS
# origins (default *). If DIRECTUPLOAD_S3_ENDPOINT is already set, that S3 is used instead.
#
# The store must hold what the sample allows: the `large` profile takes files up to 30 GiB. So the
# sample's RGW keeps its data on disk (RGW_OSD_STORE=bluestore, a SPARSE file under the data dir:
# it only takes the space written) of RGW_STORE_BYTES (default 40 GiB = 30 GiB + headroom for
# Ceph's full ratios and for uploads not yet garbage-collected), capped by the free disk space
# minus 5 GiB. The script says how much the store holds; when that is less than 30 GiB + 2 GiB it
# lowers the large profile's maximum to what fits (Sample__LargeMaxBytes) and says so.
# RGW_OSD_STORE=memstore (RAM, 2 GiB by default) is what the tests use.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SAMPLE="samples/DirectUpload.Sample"

# >>> workers (issue 12): --workers N = RabbitMQ + N worker processes of the sample (SampleWorker.cs)
WORKERS=0
SAMPLE_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) WORKERS="${2:?--workers needs a number}"; shift 2 ;;
    --workers=*) WORKERS="${1#--workers=}"; shift ;;
    *) SAMPLE_ARGS+=("$1"); shift ;;
  esac
done
case "$WORKERS" in ''|*[!0-9]*) echo "run-sample: --workers must be a number" >&2; exit 2 ;; esac
set -- ${SAMPLE_ARGS[@]+"${SAMPLE_ARGS[@]}"}
# <<< workers

if [ ! -d "$SAMPLE" ]; then
  echo "run-sample: $SAMPLE does not exist yet; nothing to run" >&2
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

RGW_STARTED=0
SAMPLE_PID=
cleanup() {
  declare -F stop_workers >/dev/null && stop_workers
  if [ -n "$SAMPLE_PID" ] && kill -0 "$SAMPLE_PID" 2>/dev/null; then
    # TERM, not INT: a background job of a non-interactive shell ignores SIGINT.
    # dotnet run passes TERM on to the sample process.
    kill -TERM "$SAMPLE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SAMPLE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SAMPLE_PID" 2>/dev/null && kill -KILL "$SAMPLE_PID" 2>/dev/null
    wait "$SAMPLE_PID" 2>/dev/null || true
  fi
  if [ "$RGW_STARTED" = 1 ]; then
    RGW_STARTED=0
    echo "run-sample: stopping RGW" >&2
    "$ROOT/eng/rgw/stop-rgw.sh" "$RGW_DATA_DIR" 2>/dev/null || echo "run-sample: stop-rgw.sh failed" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Uppy for /uppy.html (optional: every other page needs no npm package)
if [ -f "$SAMPLE/package-lock.json" ] && [ ! -d "$SAMPLE/node_modules/uppy" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "run-sample: npm ci in $SAMPLE (Uppy, for /uppy.html)" >&2
    (cd "$SAMPLE" && npm ci --no-audit --no-fund --silent) || echo "run-sample: npm ci failed; /uppy.html will say Uppy is missing" >&2
  else
    echo "run-sample: npm not found; /uppy.html will say Uppy is missing" >&2
  fi
fi

if [ -n "${DIRECTUPLOAD_S3_ENDPOINT:-}" ]; then
  echo "run-sample: using DIRECTUPLOAD_S3_ENDPOINT=$DIRECTUPLOAD_S3_ENDPOINT; not starting RGW" >&2
else
  "$ROOT/eng/rgw/install-rgw.sh"
  port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  if [ -z "${RGW_PORT:-}${RGW_MON_PORT:-}" ] && port_free 7480 && port_free 3300; then
    pick=0        # the sample's usual address: http://127.0.0.1:7480
  else
    pick=1
  fi
  # ---- size the store for the large profile (30 GiB) plus headroom, within the free disk space
  GiB=1073741824
  LARGE_MAX=$(( 30 * GiB ))
  export RGW_OSD_STORE="${RGW_OSD_STORE:-bluestore}"
  if [ "$RGW_OSD_STORE" = bluestore ]; then
    want="${RGW_STORE_BYTES:-$(( 40 * GiB ))}"
    avail="$(df -P -B1 "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $4 }')"
    store="$want"
    if [ -n "$avail" ] && [ "$store" -gt $(( avail - 5 * GiB )) ]; then store=$(( avail - 5 * GiB )); fi
    if [ "$store" -lt $(( 4 * GiB )) ]; then
      echo "run-sample: only $(( avail / GiB )) GiB free under ${TMPDIR:-/tmp}: using the in-memory store (2 GiB)" >&2
      RGW_OSD_STORE=memstore
      store=$(( 2 * GiB ))
    fi
  else
    store="${RGW_STORE_BYTES:-$(( 2 * GiB ))}"
  fi
  export RGW_STORE_BYTES="$store"
  # Ceph stops writes (it HANGS them) near its full ratio; keep ~10 % and 2 GiB for other uploads
  holds=$(( store / 10 * 9 ))
  fits=$(( holds - 2 * GiB ))
  if [ "$fits" -lt "$LARGE_MAX" ]; then
    [ "$fits" -gt $(( 64 * 1024 * 1024 )) ] || fits=$(( 64 * 1024 * 1024 ))
    export Sample__LargeMaxBytes="${Sample__LargeMaxBytes:-$fits}"
    echo "run-sample: WARNING: the local S3 can hold only about $(( holds / GiB )) GiB; the large profile's maximum is lowered from 30 GiB to $(( Sample__LargeMaxBytes / 1024 / 1024 )) MiB (free disk space, or RGW_STORE_BYTES)" >&2
  fi
  echo "run-sample: local S3: $RGW_OSD_STORE store of $(( store / GiB )) GiB ($( [ "$RGW_OSD_STORE" = bluestore ] && echo 'sparse file on disk' || echo 'RAM')), holds about $(( holds / GiB )) GiB" >&2

  if ! rgw_env="$(RGW_PICK_PORTS="$pick" "$ROOT/eng/rgw/start-rgw.sh")"; then
    echo "run-sample: RGW could not start (see above)" >&2
    exit 1
  fi
  eval "$rgw_env"
  RGW_STARTED=1
  export DIRECTUPLOAD_S3_ENDPOINT="$RGW_ENDPOINT"
  export DIRECTUPLOAD_S3_ACCESS_KEY="$RGW_ACCESS_KEY"
  export DIRECTUPLOAD_S3_SECRET_KEY="$RGW_SECRET_KEY"
  export DIRECTUPLOAD_S3_UPLOAD_ACCESS_KEY="$RGW_UPLOAD_ACCESS_KEY"
  export DIRECTUPLOAD_S3_UPLOAD_SECRET_KEY="$RGW_UPLOAD_SECRET_KEY"
  export DIRECTUPLOAD_S3_BUCKET="$RGW_BUCKET"
  export DIRECTUPLOAD_S3_REGION="$RGW_REGION"
  echo "run-sample: S3 at $DIRECTUPLOAD_S3_ENDPOINT, bucket $DIRECTUPLOAD_S3_BUCKET, region $DIRECTUPLOAD_S3_REGION" >&2
fi

# Store events: RGW's persistent topic pushes ObjectCreated events for photos/ to the sample's events endpoint
# (thumbnails and the catalog row come from the event, not the browser). The secret is random per run.
if [ -z "${Sample__EventsSecret:-}" ]; then
  Sample__EventsSecret="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  export Sample__EventsSecret
fi
SAMPLE_URL="${SAMPLE_URL:-http://127.0.0.1:5080}"
if [ "$WORKERS" = 0 ] && { [ "$RGW_STARTED" = 1 ] || [ -n "${RGW_ENDPOINT:-}" ]; }; then
  RGW_ENDPOINT="${RGW_ENDPOINT:-$DIRECTUPLOAD_S3_ENDPOINT}" RGW_ACCESS_KEY="$DIRECTUPLOAD_S3_ACCESS_KEY" \
  RGW_SECRET_KEY="$DIRECTUPLOAD_S3_SECRET_KEY" RGW_BUCKET="$DIRECTUPLOAD_S3_BUCKET" RGW_REGION="$DIRECTUPLOAD_S3_REGION" \
    "$ROOT/eng/rgw/notify-setup.sh" --topic directupload-sample --prefix photos/ --replace \
      --push "$SAMPLE_URL/uploads/events?secret=$Sample__EventsSecret" >/dev/null \
    && echo "run-sample: RGW pushes photos/ events to $SAMPLE_URL/uploads/events (thumbnails)" >&2 \
    || echo "run-sample: could not set up RGW's bucket notification; the album will show no thumbnails" >&2
fi

# >>> workers (issue 12): RabbitMQ, RGW's persistent AMQP topic for photos/, and N worker processes
WORKER_PIDS=()
RABBITMQ_STARTED=0
if [ "$WORKERS" -gt 0 ]; then
  # web host and workers must share the token key (a per-process random key would make every grant unverifiable)
  if [ -z "${DirectUpload__TokenSigningKey:-}" ]; then
    DirectUpload__TokenSigningKey="$(head -c 32 /dev/urandom | base64)"
    export DirectUpload__TokenSigningKey
  fi
  "$ROOT/eng/rabbitmq/install-rabbitmq.sh"
  rmq_env="$(env -u RABBITMQ_DATA_DIR "$ROOT/eng/rabbitmq/start-rabbitmq.sh")" || { echo "run-sample: RabbitMQ could not start" >&2; exit 1; }
  eval "$rmq_env"; RABBITMQ_STARTED=1
  # the topic and the workers: eng/sample-workers.sh (the browser test of worker mode starts them the same way)
  RABBITMQ_RGW_PUSH_ENDPOINT="$RABBITMQ_RGW_PUSH_ENDPOINT" "$ROOT/eng/sample-workers.sh" topic >/dev/null \
    || { echo "run-sample: could not point RGW at RabbitMQ" >&2; exit 1; }
  echo "run-sample: RGW pushes photos/ events to RabbitMQ ($RABBITMQ_RGW_PUSH_ENDPOINT); $WORKERS worker(s) process them" >&2
  dotnet build "$SAMPLE" -v q -nologo >/dev/null || { echo "run-sample: build failed" >&2; exit 1; }
  for i in $(seq 1 "$WORKERS"); do
    RABBITMQ_URI="$RABBITMQ_URI" "$ROOT/eng/sample-workers.sh" worker "worker-$i" </dev/null &
    WORKER_PIDS+=("$!")
    echo "run-sample: worker $i pid $!" >&2
  done
fi
stop_workers() {
  local p
  for p in ${WORKER_PIDS[@]+"${WORKER_PIDS[@]}"}; do kill -TERM "$p" 2>/dev/null || true; done
  for p in ${WORKER_PIDS[@]+"${WORKER_PIDS[@]}"}; do wait "$p" 2>/dev/null || true; done
  WORKER_PIDS=()
  if [ "$RABBITMQ_STARTED" = 1 ]; then RABBITMQ_STARTED=0; "$ROOT/eng/rabbitmq/stop-rabbitmq.sh" "$RABBITMQ_DATA_DIR" 2>/dev/null || true; fi
}
# <<< workers

# Not exec: the EXIT trap must stop RGW after the sample ends. The sample runs in the
# background (stdin passed on explicitly) and is waited for, so that a TERM sent to this
# script (or Ctrl-C) is handled at once: the sample gets SIGTERM, then RGW is stopped.
dotnet run --project "$SAMPLE" -- "$@" <&0 &
SAMPLE_PID=$!
set +e
wait "$SAMPLE_PID"
rc=$?
set -e
SAMPLE_PID=
exit "$rc"
