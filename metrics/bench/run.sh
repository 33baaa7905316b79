#!/usr/bin/env bash
# Benchmark of `smus-cli events query` and `smus-cli metrics` over a synthetic archive.
#
#   metrics/bench/run.sh [EVENTS] [WORK_DIR]        (defaults: 1000000, /tmp/smus-bench)
#
# Generates (once, reproducibly: fixed seed and end date) an archive of EVENTS event lines in the
# monitoring stack's layout, then times, with /usr/bin/time -v (wall clock and peak RSS):
#   1. the spec's query, no cache (parse every file in memory)
#   2. the spec's query, cold cache (parse every file and write the cache)
#   3. the spec's query, warm cache
#   4. metrics + HTML report, warm cache
#   5. metrics, no cache
# Uses $SMUS_CLI_JAR if set, else builds cli/target/smus-cli.jar (tests skipped).
set -euo pipefail

EVENTS="${1:-1000000}"
WORK="${2:-/tmp/smus-bench}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ARCHIVE="$WORK/archive-$EVENTS"
CACHE="$WORK/cache"
JAVA_OPTS="${JAVA_OPTS:--Xmx1g}"

if [[ -z "${SMUS_CLI_JAR:-}" ]]; then
  (cd "$ROOT" && mvn -B -q -o -pl cli -am package -Dmaven.test.skip=true)
  SMUS_CLI_JAR="$ROOT/cli/target/smus-cli.jar"
fi
[[ -x /usr/bin/time ]] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
read -r -a JVM <<< "$JAVA_OPTS"
CLI=(java "${JVM[@]}" -jar "$SMUS_CLI_JAR")

mkdir -p "$WORK"
if [[ ! -f "$ARCHIVE/.complete" ]]; then
  rm -rf "$ARCHIVE"
  "${CLI[@]}" events generate --out "$ARCHIVE" --events "$EVENTS" --seed 42 --end 2025-12-01
  touch "$ARCHIVE/.complete"
fi
echo "archive: $ARCHIVE ($(du -sh "$ARCHIVE" | cut -f1), $(find "$ARCHIVE" -name '*.json' | wc -l) files)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load: $(cut -d' ' -f1-3 /proc/loadavg)"

SPEC="SELECT * FROM smus_events WHERE pipelineName = 'RiskLedgerPipeline1' AND status = 'failed' ORDER BY timestamp DESC LIMIT 10"
results=()
measure() {
  local name="$1"; shift
  local log="$WORK/$name.time"
  /usr/bin/time -v "$@" > "$WORK/$name.out" 2> "$log" || { cat "$log" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MiB", $2/1024}' "$log")
  results+=("$(printf '%-34s %10s %12s' "$name" "$wall" "$rss")")
}

rm -rf "$CACHE"
measure query-no-cache     "${CLI[@]}" events query -a "$ARCHIVE" --no-cache -o csv "$SPEC"
measure query-cold-cache   "${CLI[@]}" events query -a "$ARCHIVE" --cache-dir "$CACHE" -o csv "$SPEC"
measure query-warm-cache   "${CLI[@]}" events query -a "$ARCHIVE" --cache-dir "$CACHE" -o csv "$SPEC"
measure metrics-warm-cache "${CLI[@]}" metrics -a "$ARCHIVE" --cache-dir "$CACHE" --html "$WORK/metrics.html"
measure metrics-no-cache   "${CLI[@]}" metrics -a "$ARCHIVE" --no-cache -o json

printf '%-34s %10s %12s\n' "run" "wall" "peak RSS"
printf '%s\n' "${results[@]}"
echo "spec query rows: $(($(wc -l < "$WORK/query-warm-cache.out") - 1)); report: $WORK/metrics.html"
