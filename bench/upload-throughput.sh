#!/usr/bin/env bash
# upload-throughput.sh — DirectUpload.Client (multipart, with and without part MD5) vs curl's single presigned PUT, same run, same S3.
#
#   bench/upload-throughput.sh [--size-mib 1024] [--rounds 2] [--parallel 4] [--part-mib 16]
#
# Starts a throwaway Ceph RGW (memstore sized for the run) on free loopback ports unless DIRECTUPLOAD_S3_ENDPOINT is set,
# runs bench/DirectUpload.UploadThroughput in Release, prints a table with the throughput ratio, and stops RGW.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v curl >/dev/null || { echo "upload-throughput: curl is required" >&2; exit 1; }

RGW_STARTED=0
cleanup() { if [ "$RGW_STARTED" = 1 ]; then "$ROOT/eng/rgw/stop-rgw.sh" "$RGW_DATA_DIR" >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT

if [ -z "${DIRECTUPLOAD_S3_ENDPOINT:-}" ]; then
  "$ROOT/eng/rgw/install-rgw.sh"
  # RGW frees deleted objects' data only after its garbage-collection delay, so size the in-memory store for every round
  out="$(RGW_PICK_PORTS=1 RGW_STORE_BYTES="${RGW_STORE_BYTES:-10737418240}" "$ROOT/eng/rgw/start-rgw.sh")"
  eval "$out"
  RGW_STARTED=1
  export DIRECTUPLOAD_S3_ENDPOINT="$RGW_ENDPOINT" DIRECTUPLOAD_S3_ACCESS_KEY="$RGW_ACCESS_KEY" \
         DIRECTUPLOAD_S3_SECRET_KEY="$RGW_SECRET_KEY" DIRECTUPLOAD_S3_BUCKET="$RGW_BUCKET" DIRECTUPLOAD_S3_REGION="$RGW_REGION"
fi

dotnet build -c Release bench/DirectUpload.UploadThroughput >/dev/null
dotnet run -c Release --no-build --project bench/DirectUpload.UploadThroughput -- "$@"
