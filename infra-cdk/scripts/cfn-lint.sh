#!/usr/bin/env bash
# Synthesizes both stacks of the CDK app and runs cfn-lint on every template, plus the published
# eventbridge-to-s3.yaml. Exits non-zero when cfn-lint reports an error (warnings are printed).
#
# Needs: Java 17, Maven, Node.js (the CDK's jsii runtime), cfn-lint; the function jars, which it
# builds when one is missing. Run from anywhere: bash infra-cdk/scripts/cfn-lint.sh
set -euo pipefail

module="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
jars="$root/functions/target/lambda"

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint not found: pip install cfn-lint" >&2
  exit 2
fi

# (which jars the app needs is the app's to say: synth names any that is still missing)
if ! compgen -G "$jars/*.jar" >/dev/null; then
  echo "Building the function jars ($jars)..."
  (cd "$root" && mvn -B -q -pl functions -am package -DskipTests)
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "Synthesizing into $out ..."
# The CDK CLI runs the app the same way (cdk.json), with CDK_OUTDIR pointing at cdk.out.
(cd "$module" && CDK_OUTDIR="$out" mvn -B -q compile exec:java -Dexec.mainClass=com.smuscicd.infra.SmusCicdApp)

shopt -s nullglob
templates=("$out"/*.template.json)
if (( ${#templates[@]} < 2 )); then
  echo "Expected the orchestrator and monitoring templates in $out, found: ${templates[*]:-none}" >&2
  exit 1
fi

# W3005 (redundant DependsOn): CDK makes each Lambda function and state machine depend on its role
# together with the role's policy; the role half repeats what Fn::GetAtt Arn already orders.
names=""; for t in "${templates[@]}"; do names+="$(basename "$t") "; done
echo "cfn-lint $(cfn-lint --version 2>&1 | awk '{print $NF}') on: ${names}eventbridge-to-s3.yaml"
cfn-lint --non-zero-exit-code error --ignore-checks W3005 -- "${templates[@]}" "$root/eventbridge-to-s3.yaml"
echo "cfn-lint: no errors"
