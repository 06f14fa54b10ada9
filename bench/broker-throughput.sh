#!/usr/bin/env bash
# broker-throughput.sh — events/s and end-to-end latency of the broker worker path, with real parts:
# DirectUpload grant -> PUT to a throwaway Ceph RGW (persistent AMQP topic) -> a throwaway RabbitMQ
# -> 1 and 2 worker processes (tests/DirectUpload.BrokerTests.Worker, trivial recording handler).
#
#   bench/broker-throughput.sh [N]     N events per run (default 60)
#   BENCH_ACK_LEVEL=none bench/broker-throughput.sh   RGW's amqp-ack-level (default broker)
# Prints a markdown table (see bench/README.md). Needs eng/install-deps.sh (RGW, RabbitMQ).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/DirectUpload.BrokerBench -c Release -v q -nologo >/dev/null
exec dotnet bench/DirectUpload.BrokerBench/bin/Release/net10.0/DirectUpload.BrokerBench.dll "$@"
