#!/usr/bin/env bash
# Loopback load test of the admission webhook with cached verdicts (no peer: Kyverno and
# Gatekeeper are Go and not installable here). Bounded: RATE requests/s for REQUESTS requests.
# usage: bench/admission-load.sh [RATE] [REQUESTS] [CONNECTIONS]   (defaults 200 4000 8)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p rampart-admission --example load
exec ./target/release/examples/load "${1:-200}" "${2:-4000}" "${3:-8}"
