#!/usr/bin/env bash
# The least CPU a first run over the benchmark archive needs, measured from its two parts that no
# implementation reading these files can skip, side by side with the CLI's first run:
#
#   metrics/bench/floor.sh [ROUNDS] [EVENTS] [WORK_DIR]   (defaults: 3, 1000000, /tmp/smus-bench)
#
#   read   every archive file read once (cat > /dev/null): the kernel's part of any reader
#   parse  a fresh JVM whose engine parses the same bytes from one pre-joined file, with the CLI's
#          columns and casts (ParseFloor.java): no listing, no copy, no de-duplication
#   cli    `events query --no-cache` with the spec's query: what a user's first run costs
#
# Prints median wall and CPU (user + system) per part, and the floor: (read CPU + parse CPU) spread
# perfectly over every core. Uses $SMUS_CLI_JAR if set, else cli/target/smus-cli.jar (build it
# first). Run metrics/bench/run.sh once first: it generates the archive. Needs GNU time.
set -euo pipefail

ROUNDS="${1:-3}"
EVENTS="${2:-1000000}"
WORK="${3:-/tmp/smus-bench}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="${SMUS_CLI_JAR:-$ROOT/cli/target/smus-cli.jar}"
ARCHIVE="$WORK/archive-$EVENTS"
[[ -f "$ARCHIVE/.complete" ]] || { echo "no archive at $ARCHIVE: run metrics/bench/run.sh $EVENTS $WORK first" >&2; exit 2; }
[[ -f "$JAR" ]] || { echo "no $JAR: mvn -B -q -DskipTests -pl cli -am package" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
read -r -a JVM <<< "${JAVA_OPTS:--Xmx1g}"
SPEC="SELECT * FROM smus_events WHERE pipelineName = 'RiskLedgerPipeline1' AND status = 'failed' ORDER BY timestamp DESC LIMIT 10"
SAMPLES="$(mktemp -d -t smus-floor-XXXXXX)"
JOINED="$SAMPLES/joined.ndjson"
trap 'rm -rf "$SAMPLES"' EXIT

find "$ARCHIVE" -name '*.json' -print0 | sort -z > "$SAMPLES/files"
xargs -0 cat < "$SAMPLES/files" > "$JOINED"
# compiled here, so that no sample pays for compiling it
javac -d "$SAMPLES" -cp "$JAR" "$ROOT/metrics/bench/ParseFloor.java"
echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds"
echo "   $(tr -cd '\0' < "$SAMPLES/files" | wc -c) files, $(stat -c %s "$JOINED") bytes joined"

sample() { # part command... -> appends "wall cpu" to the part's samples
  local part=$1
  shift
  /usr/bin/time -f '%e %U %S' -o "$SAMPLES/time" "$@" > "$SAMPLES/out" 2> "$SAMPLES/err" \
    || { cat "$SAMPLES/err" >&2; exit 1; }
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$SAMPLES/time" >> "$SAMPLES/$part"
}

for round in $(seq "$ROUNDS"); do
  sample read sh -c 'xargs -0 cat < "$1" > /dev/null' sh "$SAMPLES/files"
  sample parse java "${JVM[@]}" -cp "$JAR:$SAMPLES" ParseFloor "$JOINED"
  echo "   round $round: parse statement $(cut -d' ' -f1 "$SAMPLES/out") ms, $(cut -d' ' -f2 "$SAMPLES/out") rows"
  sample cli java "${JVM[@]}" -jar "$JAR" events query -a "$ARCHIVE" --no-cache -o csv "$SPEC"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-8s %9s %9s\n' part wall cpu
for part in read parse cli; do
  printf '%-8s %8ss %8ss\n' "$part" "$(cut -d' ' -f1 "$SAMPLES/$part" | median)" "$(cut -d' ' -f2 "$SAMPLES/$part" | median)"
done
read_cpu=$(cut -d' ' -f2 "$SAMPLES/read" | median)
parse_cpu=$(cut -d' ' -f2 "$SAMPLES/parse" | median)
awk -v r="$read_cpu" -v p="$parse_cpu" -v n="$(nproc)" 'BEGIN {
  printf "floor: (%.2f + %.2f) CPU-s over %d cores = %.2f s of wall at the least, before listing, de-duplication and the query\n", r, p, n, (r + p) / n }'
