#!/usr/bin/env bash
# The capacity figures issue #12 asks of a many-core machine, in one bounded run (about 6 min):
# the seed scenario closed at 6000 connections with the calibrate ceiling measured beside it,
# the open model at 20 000 requests/s, the batched strategy at 6000 connections, and
# --find-capacity. Each step is bounded by `timeout`; the reports go to $OUT (or ./lab-out).
# On the 16-core lab host: bash .lab/run.sh 'bash scripts/lab-capacity.sh'
# --short: no calibration, no batched run, no wrk, a 100 s search (about 4 min).
set -u
short=false; [ "${1:-}" = --short ] && short=true
out=${OUT:-lab-out}; mkdir -p "$out"
log=$out/capacity.log
step() { echo "=== $(date -u +%T) $*" | tee -a "$log"; timeout 240 "$@" >>"$log" 2>&1; echo "=== exit $?" | tee -a "$log"; }
{ nproc; free -g | head -2; sysctl net.core.somaxconn; } >>"$log" 2>&1
step node bin/shopctl.js down
step node bin/shopctl.js up
step node bin/shopctl.js status
if $short; then
  step node bin/shopctl.js bench -s seed --duration 30s --warmup 10s
  step node bin/shopctl.js verify
  step node bin/shopctl.js bench -s seed --rate 20000 --duration 20s --warmup 5s
  step node bin/shopctl.js bench -s seed --find-capacity --budget 100s
  step node bin/shopctl.js verify
else
  step node bin/shopctl.js bench -s seed --calibrate --duration 30s --warmup 10s
  step node bin/shopctl.js verify
  step node bin/shopctl.js bench -s seed --rate 20000 --duration 20s --warmup 5s
  step node bin/shopctl.js bench -s seed --strategy batched --duration 20s --warmup 5s
  step node bin/shopctl.js bench -s seed --find-capacity --budget 150s
  step node bin/shopctl.js verify
  step wrk -t8 -c2000 -d8s http://127.0.0.1:18080/healthz
fi
step node bin/shopctl.js down
# Reports without their ledgers (the verify runs above read them here): small enough to bring back.
tar --exclude=ledger.ndjson -czf "$out/reports.tgz" reports 2>>"$log"
rm -rf reports
