#!/usr/bin/env bash
# event-latency.sh — the event pipeline against a real RGW: upload completion -> processed (p50/p95) through a persistent
# HTTP topic, and the notifications per second /uploads/events accepts, each next to a baseline of the same run.
#
#   bench/event-latency.sh [--uploads 40] [--posts 2000] [--concurrency 16]
#
# Starts a throwaway Ceph RGW on free loopback ports unless DIRECTUPLOAD_S3_ENDPOINT is set, runs
# bench/DirectUpload.EventLatency in Release, and stops RGW.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
RGW_STARTED=0
cleanup() { if [ "$RGW_STARTED" = 1 ]; then "$ROOT/eng/rgw/stop-rgw.sh" "$RGW_DATA_DIR" >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT
if [ -z "${DIRECTUPLOAD_S3_ENDPOINT:-}" ]; then
  "$ROOT/eng/rgw/install-rgw.sh"
  out="$(RGW_PICK_PORTS=1 "$ROOT/eng/rgw/start-rgw.sh")"
  eval "$out"
  RGW_STARTED=1
  export DIRECTUPLOAD_S3_ENDPOINT="$RGW_ENDPOINT" DIRECTUPLOAD_S3_ACCESS_KEY="$RGW_ACCESS_KEY" \
         DIRECTUPLOAD_S3_SECRET_KEY="$RGW_SECRET_KEY" DIRECTUPLOAD_S3_BUCKET="$RGW_BUCKET" DIRECTUPLOAD_S3_REGION="$RGW_REGION"
fi
dotnet build -c Release bench/DirectUpload.EventLatency >/dev/null
dotnet run -c Release --no-build --project bench/DirectUpload.EventLatency -- "$@"
