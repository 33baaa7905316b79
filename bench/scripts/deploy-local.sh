#!/usr/bin/env bash
# Wall time and peak memory of `smus-cli deploy --local` of the example, side by side with
# `smus-cli --version` (issue 7, "Performance"): N rounds, each running, one after the other,
#   version   bin/smus-cli --version
#   deploy    bin/smus-cli deploy --local --targets dev --pipeline examples/basic_pipeline/pipeline.yaml --state-dir <new dir>
#   redeploy  the same into the state directory of the previous round (bundle, workflows unchanged)
#   no-events the same as deploy with --no-events (new state directory): the process-level view of
#             what emitting events costs (EmissionBenchmark is the in-JVM one)
# so that load from other processes on a shared machine hits all three alike. Peak RSS is
# /usr/bin/time -v's "Maximum resident set size"; wall time is measured around the process.
#
# Usage: bench/scripts/deploy-local.sh [RUNS]     (default 10; run from anywhere)
# Needs: mvn -B -q -DskipTests -pl cli -am package ; GNU time (apt-get install -y time)
# Targets: deploy median under 2 s and under 3 x version's median.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/scripts"
runs="${1:-${RUNS:-10}}"
if [ ! -f "$root/cli/target/smus-cli.jar" ]; then
  echo "deploy-local: cli/target/smus-cli.jar not found; build with: mvn -B -q -DskipTests -pl cli -am package" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "deploy-local: /usr/bin/time (GNU time) not found; apt-get install -y time" >&2
  exit 2
fi

cd "$root"
work="$(mktemp -d -t smus-deploy-local-XXXXXX)"
trap 'rm -rf "$work"' EXIT
example=examples/basic_pipeline/pipeline.yaml

echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(java -version 2>&1 | sed -n 1p), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   jar: cli/target/smus-cli.jar ($(stat -c %s cli/target/smus-cli.jar) bytes)"

measure() { # mode name run command... -> one sample line; fails if the command failed
  local mode=$1 name=$2 run=$3 start end rss
  shift 3
  start=$(date +%s%N)
  /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1 \
    || { echo "deploy-local: '$*' failed:" >&2; cat "$work/out.txt" >&2; exit 1; }
  end=$(date +%s%N)
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
  printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$name" "$run" "$(( (end - start) / 1000000 ))" "$rss"
}

# One unmeasured round: page cache, and a state directory for the first redeploy.
bin/smus-cli --version >/dev/null
bin/smus-cli deploy --local --targets dev --pipeline "$example" --state-dir "$work/state-0" >/dev/null
echo "   one deployment's output:"
bin/smus-cli deploy --local --targets dev --pipeline "$example" --state-dir "$work/state-show" | sed 's/^/     /'

samples="$work/samples.tsv"
printf 'mode\tname\trun\twall_ms\tpeak_rss_kb\n' >"$samples"
for i in $(seq 1 "$runs"); do
  measure cli version "$i" bin/smus-cli --version >>"$samples"
  measure cli deploy "$i" bin/smus-cli deploy --local --targets dev --pipeline "$example" --state-dir "$work/state-$i" >>"$samples"
  measure cli redeploy "$i" bin/smus-cli deploy --local --targets dev --pipeline "$example" --state-dir "$work/state-$((i - 1))" >>"$samples"
  measure cli no-events "$i" bin/smus-cli deploy --local --no-events --targets dev --pipeline "$example" --state-dir "$work/quiet-$i" >>"$samples"
done

echo "== $runs interleaved rounds; load now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   targets: deploy median < 2000 ms and < 3 x version's median; emission: deploy vs no-events"
python3 "$here/stats.py" "$samples" version
if [ -n "${SAMPLES_OUT:-}" ]; then cp "$samples" "$SAMPLES_OUT"; fi
