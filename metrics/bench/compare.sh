#!/usr/bin/env bash
# Side-by-side comparison of two smus-cli builds on the benchmark archive of run.sh: each round
# runs every case with build A then build B, so load from other processes hits both alike.
#
#   metrics/bench/compare.sh JAR_A JAR_B [ROUNDS] [EVENTS] [WORK_DIR]   (defaults: 3, 1000000, /tmp/smus-bench)
#
# A jar is used as it sits in its directory (a build keeps DuckDB's native library next to the jar).
# Prints, per case and build, the median wall time, median CPU time (user + system) and the
# largest peak RSS over the rounds (GNU time). Run metrics/bench/run.sh once first: it generates
# the archive.
set -euo pipefail

A="${1:?usage: compare.sh JAR_A JAR_B [ROUNDS] [EVENTS] [WORK_DIR]}"
B="${2:?usage: compare.sh JAR_A JAR_B [ROUNDS] [EVENTS] [WORK_DIR]}"
ROUNDS="${3:-3}"
EVENTS="${4:-1000000}"
WORK="${5:-/tmp/smus-bench}"
ARCHIVE="$WORK/archive-$EVENTS"
[[ -f "$ARCHIVE/.complete" ]] || { echo "no archive at $ARCHIVE: run metrics/bench/run.sh $EVENTS $WORK first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
read -r -a JVM <<< "${JAVA_OPTS:--Xmx1g}"
SPEC="SELECT * FROM smus_events WHERE pipelineName = 'RiskLedgerPipeline1' AND status = 'failed' ORDER BY timestamp DESC LIMIT 10"
SAMPLES="$(mktemp -d -t smus-compare-XXXXXX)"
trap 'rm -rf "$SAMPLES"' EXIT

echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds"
echo "   A: $A"
echo "   B: $B"

run() { # build-label case-name command... -> appends "wall cpu rss_kib" to the case's samples
  local label=$1 name=$2
  shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$SAMPLES/time" "$@" > /dev/null 2> "$SAMPLES/err" \
    || { cat "$SAMPLES/err" >&2; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$SAMPLES/time" >> "$SAMPLES/$name.$label"
}

for round in $(seq "$ROUNDS"); do
  for label in A B; do
    jar=$A; [[ $label == B ]] && jar=$B
    cli=(java "${JVM[@]}" -jar "$jar")
    cache="$SAMPLES/cache-$label"
    rm -rf "$cache"
    run "$label" "1 query --no-cache" "${cli[@]}" events query -a "$ARCHIVE" --no-cache -o csv "$SPEC"
    run "$label" "2 query, first run (cache)" "${cli[@]}" events query -a "$ARCHIVE" --cache-dir "$cache" -o csv "$SPEC"
    run "$label" "3 query, cache warm" "${cli[@]}" events query -a "$ARCHIVE" --cache-dir "$cache" -o csv "$SPEC"
    run "$label" "4 metrics --html, cache warm" "${cli[@]}" metrics -a "$ARCHIVE" --cache-dir "$cache" --html "$SAMPLES/m.html"
    run "$label" "5 metrics --no-cache" "${cli[@]}" metrics -a "$ARCHIVE" --no-cache -o json
  done
  echo "   round $round done, load: $(cut -d' ' -f1-3 /proc/loadavg)"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-32s %-5s %9s %9s %11s\n' case build wall cpu "peak RSS"
for file in "$SAMPLES"/*.A; do
  name=$(basename "$file" .A)
  for label in A B; do
    f="$SAMPLES/$name.$label"
    printf '%-32s %-5s %8ss %8ss %7s MiB\n' "${name#* }" "$label" "$(cut -d' ' -f1 "$f" | median)" \
      "$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | sort -n | tail -1 | awk '{ printf "%.0f", $1 / 1024 }')"
  done
done
