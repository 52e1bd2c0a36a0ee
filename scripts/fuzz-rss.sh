#!/usr/bin/env bash
# Memory of a long fuzzing campaign (docs/fuzzing.md, "Memory"): runs the campaign given by the
# arguments (those of `npm run fuzz --`) and prints, every INTERVAL seconds (default 60), the
# resident set size of the campaign process (the coordinator) and of each worker process.
#
#   scripts/fuzz-rss.sh --time 30m --seed 7 --state /tmp/rss-campaign
#   INTERVAL=10 scripts/fuzz-rss.sh --runs 5000 --seed 1
set -euo pipefail
cd "$(dirname "$0")/.."
interval="${INTERVAL:-60}"
node --import tsx ts-fuzz/cli.ts "$@" --quiet > /tmp/fuzz-rss-$$.out 2>&1 &
coord=$!
trap 'kill -INT $coord 2>/dev/null || true' INT TERM
start=$(date +%s)
rss() { ps -o rss= -p "$1" 2>/dev/null | awk '{printf "%.0f", $1/1024}'; }
echo "elapsed_s coordinator_MB worker_pid:MB ..."
while kill -0 "$coord" 2>/dev/null; do
  workers=""
  for w in $(pgrep -P "$coord" -f ts-fuzz/worker.ts 2>/dev/null || true); do workers+=" $w:$(rss "$w")"; done
  printf '%s %s%s\n' "$(( $(date +%s) - start ))" "$(rss "$coord")" "$workers"
  for _ in $(seq "$interval"); do kill -0 "$coord" 2>/dev/null || break; sleep 1; done
done
wait "$coord" || true
grep -E '^(cases|workers|findings) ' /tmp/fuzz-rss-$$.out || tail -20 /tmp/fuzz-rss-$$.out
rm -f /tmp/fuzz-rss-$$.out
