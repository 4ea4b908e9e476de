#!/usr/bin/env bash
# Tools the Action's tests (tests/action) need beyond the dev extra: shellcheck,
# which actionlint uses to check run: scripts.
set -euo pipefail
if ! command -v shellcheck >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq shellcheck
fi
