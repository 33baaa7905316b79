#!/usr/bin/env bash
# What emitting events adds to `smus-cli deploy --local`, for two builds side by side: each round
# runs, for build A then build B, a deployment of the example with events and one with
# --no-events (each into a new state directory), so load from other processes hits all four alike.
#
# Usage: bench/scripts/emission-ab.sh JAR_A JAR_B [RUNS]     (default 20; jar file names must differ)
# Prints per command: wall time (mean, median, min, max, stdev) and median CPU time (user + system,
# child processes included) from GNU time. The added time is "<jar>-events" minus "<jar>-noevents".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
a="${1:?usage: emission-ab.sh JAR_A JAR_B [RUNS]}"
b="${2:?usage: emission-ab.sh JAR_A JAR_B [RUNS]}"
runs="${3:-20}"
[ "$(basename "$a")" != "$(basename "$b")" ] || { echo "emission-ab: the two jars need different file names" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "emission-ab: /usr/bin/time (GNU time) not found; apt-get install -y time" >&2; exit 2; }

cd "$root"
example=examples/basic_pipeline/pipeline.yaml
work="$(mktemp -d -t smus-emission-ab-XXXXXX)"
trap 'rm -rf "$work"' EXIT
# the flags bin/smus-cli runs the CLI with
jvm=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto)

echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg); $runs rounds"
printf 'mode\tname\trun\twall_ms\tcpu_ms\n' > "$work/samples.tsv"
one() { # name run command... -> one sample line; fails if the command failed
  local name=$1 run=$2 start end
  shift 2
  start=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  end=$(date +%s%N)
  printf 'ab\t%s\t%s\t%s\t%s\n' "$name" "$run" $(((end - start) / 1000000)) \
    "$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$work/time")" >> "$work/samples.tsv"
}
# one unmeasured deployment each: file caches warm alike
for jar in "$a" "$b"; do
  "${jvm[@]}" -jar "$jar" deploy --local --targets dev --pipeline "$example" --state-dir "$work/warm-$(basename "$jar")" > /dev/null
done
for run in $(seq "$runs"); do
  for jar in "$a" "$b"; do
    name=$(basename "$jar" .jar)
    one "$name-events" "$run" "${jvm[@]}" -jar "$jar" deploy --local --targets dev --pipeline "$example" \
      --state-dir "$work/e-$name-$run"
    one "$name-noevents" "$run" "${jvm[@]}" -jar "$jar" deploy --local --no-events --targets dev \
      --pipeline "$example" --state-dir "$work/n-$name-$run"
  done
done
echo "== load now: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$root/bench/scripts/stats.py" "$work/samples.tsv" "$(basename "$a" .jar)-noevents"
