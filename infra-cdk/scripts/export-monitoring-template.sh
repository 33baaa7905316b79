#!/usr/bin/env bash
# Rewrites eventbridge-to-s3.yaml (repository root) from the CDK monitoring stack.
# MonitoringTemplateFileTest fails until the committed file equals what this writes.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
mvn -B -q compile exec:java \
  -Dexec.mainClass=com.smuscicd.infra.MonitoringTemplate \
  -Dexec.args=../eventbridge-to-s3.yaml
