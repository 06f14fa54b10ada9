#!/usr/bin/env bash
# broker-throughput.sh — events/s and end-to-end latency of the broker worker path, with real parts:
# DirectUpload grant -> PUT to a throwaway Ceph RGW (persistent AMQP topic) -> a throwaway RabbitMQ
# -> 1 and 2 worker processes (tests/DirectUpload.BrokerTests.Worker), each with two handlers: a trivial recording one,
# and the sample's PhotoThumbnailProcessor (SkiaSharp) on real JPEG/PNG photos of 2-4 MP.
#
#   bench/broker-throughput.sh [N] [N_THUMBNAIL]   events per run (default 60; thumbnail runs: default 40)
#   BENCH_HANDLERS=trivial bench/broker-throughput.sh  only one handler (trivial | thumbnail; default both)
#   BENCH_ACK_LEVEL=none bench/broker-throughput.sh   RGW's amqp-ack-level (default broker)
# Each row also prints the 1-minute load average (as `uptime` shows it) before and after it.
# Prints a markdown table (see bench/README.md). Needs eng/install-deps.sh (RGW, RabbitMQ).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/DirectUpload.BrokerBench -c Release -v q -nologo >/dev/null
exec dotnet bench/DirectUpload.BrokerBench/bin/Release/net10.0/DirectUpload.BrokerBench.dll "$@"
