#!/usr/bin/env bash
# Simulated Lambda cold starts of the phase handlers, side by side with a trivial handler on the
# same classpath (issue 7, "Performance"). Each sample is a fresh JVM that constructs the handler
# and serves one real task input (captured from a local run of examples/basic_pipeline, target
# prod) against local endpoints: moto for S3 and EventBridge, a small stub for DataZone and
# MWAA Serverless (moto has neither). Three baselines run on the lifecycle function's classpath:
# TrivialHandler (the target's yardstick), OneRequestHandler (one PutEvents over the JDK's HTTP
# client, no SDK) and SdkRequestHandler (the same PutEvents through the AWS SDK, configured as the
# functions configure it). Runs are interleaved (baselines, handler 1..5, baselines, ...) so load
# from other processes on a shared machine hits every handler alike.
#
# Usage:  bench/scripts/coldstart.sh [RUNS]          (default 10 runs per handler and mode)
#         bench/scripts/coldstart.sh --verify        (the jar checks and the verification pass only:
#                                                     each handler, from its own jar, against the emulators)
# Needs:  mvn -B -q -DskipTests -pl functions,bench -am package ; moto_server ; python3 + boto3
#         Each handler runs from its own function jar (functions/target/lambda/<function>.jar).
# Modes:  "default" (no JVM flags) and "c1" (JAVA_TOOL_OPTIONS="-XX:+TieredCompilation
#         -XX:TieredStopAtLevel=1", what AWS documents for Java cold starts).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/scripts"
verify_only=false
if [ "${1:-}" = "--verify" ]; then verify_only=true; shift; fi
runs="${1:-${RUNS:-10}}"
jars_dir="$root/functions/target/lambda"
driver_jar="$root/bench/target/bench-0.1.0-SNAPSHOT.jar"
bench_jar="$root/bench/target/benchmarks.jar"
c1_flags="-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
handlers=(DeployLifecycleHandler ProjectInitializationHandler BundleUploadHandler WorkflowCreationHandler
          CatalogAssetsHandler)

jar_of() { # handler class -> its function's jar (DeployLifecycleHandler -> deploy-lifecycle.jar)
  local base="${1%Handler}"
  echo "$jars_dir/$(sed -E 's/([a-z0-9])([A-Z])/\1-\2/g' <<<"$base" | tr '[:upper:]' '[:lower:]').jar"
}
for jar in "$driver_jar" "$bench_jar" $(for h in "${handlers[@]}" BundleTriggerHandler; do jar_of "$h"; done); do
  if [ ! -f "$jar" ]; then
    echo "coldstart: $jar not found; build with: mvn -B -q -DskipTests -pl functions,bench -am package" >&2
    exit 2
  fi
done
command -v moto_server >/dev/null || { echo "coldstart: moto_server not on PATH (pip install 'moto[server]')" >&2; exit 2; }

echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(java -version 2>&1 | sed -n 1p), load: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- the jars: size and HTTP clients ------------------------------------------------------------
verdict() { if [ "$1" = 1 ]; then echo "OK"; else echo "MISSED"; fi; }
echo "== function jars in ${jars_dir#"$root"/} (target: each < 20 MB = 20,000,000 bytes, no Apache/Netty HTTP client)"
for h in "${handlers[@]}" BundleTriggerHandler; do
  jar="$(jar_of "$h")"
  size=$(stat -c %s "$jar")
  listing=$(unzip -Z1 "$jar")
  apache=$(grep -c '^org/apache/http/' <<<"$listing" || true)
  netty=$(grep -c '^io/netty/' <<<"$listing" || true)
  services=$(grep -oE '^software/amazon/awssdk/services/[a-z0-9]+/' <<<"$listing" | sort -u | cut -d/ -f5 | paste -sd, -)
  printf '   %-28s %10s bytes (%4.1f MiB) %s  apache=%s netty=%s  SDKs: %s\n' "$(basename "$jar")" "$size" \
    "$(awk -v s="$size" 'BEGIN { print s / 1048576 }')" "$(verdict $((size < 20000000)))" "$apache" "$netty" "$services"
  if [ $((apache + netty)) -ne 0 ]; then
    echo "coldstart: $jar must not contain the Apache or Netty HTTP clients" >&2
    exit 1
  fi
done

# ---- local endpoints -----------------------------------------------------------------------------
work="$(mktemp -d -t smus-coldstart-XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_for() {
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "coldstart: $1 did not come up" >&2
  exit 1
}

moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
pids+=($!)
stub_port=$(free_port)
python3 "$here/datazone_stub.py" --port "$stub_port" --account "$root/examples/basic_pipeline/local-account.json" \
  --log "$work/stub.log" 2>"$work/stub.err" &
pids+=($!)
wait_for "http://127.0.0.1:$moto_port/moto-api/"
wait_for "http://127.0.0.1:$stub_port/v2/domains"

# What a Lambda sandbox has: region, credentials in the environment, no profile files, no IMDS.
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE="$work/none" AWS_SHARED_CREDENTIALS_FILE="$work/none"
export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port"
export AWS_ENDPOINT_URL_DATAZONE="http://127.0.0.1:$stub_port" AWS_ENDPOINT_URL_MWAA_SERVERLESS="http://127.0.0.1:$stub_port"

# No WORKFLOW_ROLE_ARN: workflows run as the project's user role, the default path (one more DataZone call).
unset JAVA_TOOL_OPTIONS EVENT_BUS_NAME WORKFLOW_ROLE_ARN PROJECT_PROFILE_ID

# ---- real task inputs, captured from the state machine file run locally ------------------------------
java -cp "$bench_jar" com.smuscicd.bench.coldstart.TaskInputCapture \
  "$root/examples/basic_pipeline/pipeline.yaml" "$work/inputs" 2>/dev/null
python3 "$here/moto_fixtures.py" seed "$AWS_ENDPOINT_URL" "$work/inputs"

run_one() { # class input [handler-of-jar] -> prints "wall_ms init_ms invoke_ms classes prime_ms"; fails if the handler failed
  # PRIMED=--primed: run the handler's SnapStart hook before the invocation clock (see ColdStart)
  local start end line
  start=$(date +%s%N)
  # each handler runs from its own function's jar, as in Lambda; the trivial handler from the lifecycle one
  local jar; jar="$(jar_of "${3:-${1##*.}}")"
  java -cp "$jar:$driver_jar" com.smuscicd.bench.coldstart.ColdStart "$1" "$2" ${PRIMED:-} >"$work/out.json" 2>"$work/err.txt" \
    || { echo "coldstart: $1 failed:" >&2; cat "$work/err.txt" >&2; exit 1; }
  end=$(date +%s%N)
  line=$(grep '^coldstart handler=' "$work/err.txt")
  echo "$(( (end - start) / 1000000 )) $(sed -E 's/.*initMs=([0-9.]+) invokeMs=([0-9.]+) classes=([0-9]+) primeMs=([0-9.]+)/\1 \2 \3 \4/' <<<"$line")"
}

# ---- one verification pass: every handler succeeds, and its events reach EventBridge ---------------------
echo "== verification (one invocation each, calls seen by the DataZone/MWAA stub)"
for h in "${handlers[@]}"; do
  : >"$work/stub.log"
  read -r wall init invoke classes prime < <(run_one "com.smuscicd.lambda.$h" "$work/inputs/$h.json")
  calls=$(sort "$work/stub.log" | uniq -c | awk '{ printf "%s%s x%s", sep, $3, $1; sep = ", " }')
  printf '   %-30s %5s ms  output: %s\n' "$h" "$wall" "$(head -c 140 "$work/out.json")"
  [ -n "$calls" ] && printf '   %-30s stub calls: %s\n' "" "$calls"
done
# the baselines too: each must succeed against the emulator (their events match no rule)
for b in TrivialHandler OneRequestHandler SdkRequestHandler; do
  read -r wall init invoke classes prime < <(run_one "com.smuscicd.bench.coldstart.$b" "$work/inputs/DeployLifecycleHandler.json" DeployLifecycleHandler)
  printf '   %-30s %5s ms  (baseline)\n' "$b" "$wall"
done
counts=$(python3 "$here/moto_fixtures.py" count "$AWS_ENDPOINT_URL")
echo "$counts"
delivered=$(awk '/events delivered/ {print $1}' <<<"$counts")
# Deploy-Started (lifecycle "start"), then each phase's Completed: a phase's Started comes from the
# lifecycle task the state machine runs before it, which this pass does not invoke
if [ "$delivered" != 5 ]; then
  echo "coldstart: expected the 5 events of the handlers to reach EventBridge, got ${delivered:-none}" >&2
  exit 1
fi
if [ "$verify_only" = true ]; then
  echo "== verified: every function runs from its own jar against the emulators"
  exit 0
fi

# ---- the measurement --------------------------------------------------------------------------------
samples="$work/samples.tsv"
printf 'mode\tname\trun\twall_ms\tinit_ms\tinvoke_ms\tclasses\tprime_ms\n' >"$samples"
for mode in default c1 snapstart; do
  if [ "$mode" = default ]; then unset JAVA_TOOL_OPTIONS; else export JAVA_TOOL_OPTIONS="$c1_flags"; fi
  # snapstart: the phase handlers run their priming hook first; the baselines have nothing to prime
  if [ "$mode" = snapstart ]; then phase_primed=--primed; else phase_primed=; fi
  # One unmeasured round, so the page cache holds the jars for every handler alike.
  run_one com.smuscicd.bench.coldstart.TrivialHandler "$work/inputs/DeployLifecycleHandler.json" DeployLifecycleHandler >/dev/null
  run_one com.smuscicd.bench.coldstart.OneRequestHandler "$work/inputs/DeployLifecycleHandler.json" DeployLifecycleHandler >/dev/null
  run_one com.smuscicd.bench.coldstart.SdkRequestHandler "$work/inputs/DeployLifecycleHandler.json" DeployLifecycleHandler >/dev/null
  for h in "${handlers[@]}"; do PRIMED=$phase_primed run_one "com.smuscicd.lambda.$h" "$work/inputs/$h.json" >/dev/null; done
  for i in $(seq 1 "$runs"); do
    read -r wall init invoke classes prime < <(run_one com.smuscicd.bench.coldstart.TrivialHandler "$work/inputs/DeployLifecycleHandler.json" DeployLifecycleHandler)
    printf '%s\tTrivialHandler\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$i" "$wall" "$init" "$invoke" "$classes" "$prime" >>"$samples"
    read -r wall init invoke classes prime < <(run_one com.smuscicd.bench.coldstart.OneRequestHandler "$work/inputs/DeployLifecycleHandler.json" DeployLifecycleHandler)
    printf '%s\tOneRequestHandler\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$i" "$wall" "$init" "$invoke" "$classes" "$prime" >>"$samples"
    read -r wall init invoke classes prime < <(run_one com.smuscicd.bench.coldstart.SdkRequestHandler "$work/inputs/DeployLifecycleHandler.json" DeployLifecycleHandler)
    printf '%s\tSdkRequestHandler\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$i" "$wall" "$init" "$invoke" "$classes" "$prime" >>"$samples"
    for h in "${handlers[@]}"; do
      read -r wall init invoke classes prime < <(PRIMED=$phase_primed run_one "com.smuscicd.lambda.$h" "$work/inputs/$h.json")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$h" "$i" "$wall" "$init" "$invoke" "$classes" "$prime" >>"$samples"
    done
  done
done
unset JAVA_TOOL_OPTIONS

echo "== cold start, fresh JVM per sample, $runs interleaved runs per handler and mode; load now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   wall = process start to exit; init = handler construction; invoke = the one invocation;"
echo "   classes = classes loaded at the end; target: median wall <= 1.5 x TrivialHandler's"
echo "   snapstart = c1 plus the handler's SnapStart priming hook before the invocation clock: invoke is what a"
echo "   function restored from a primed snapshot pays on its first call (plus Lambda's restore, not simulated);"
echo "   its wall includes the priming, which Lambda runs once when it publishes the version"
python3 "$here/stats.py" "$samples" TrivialHandler
echo "   the same, as a multiple of OneRequestHandler (one unsigned PutEvents over the JDK's HTTP client: the floor"
echo "   of any handler that calls AWS once from a fresh JVM)"
python3 "$here/stats.py" "$samples" OneRequestHandler
if [ -n "${SAMPLES_OUT:-}" ]; then cp "$samples" "$SAMPLES_OUT"; fi
