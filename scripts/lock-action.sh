#!/usr/bin/env bash
# Regenerate requirements/action.lock: the Action's dependencies, pinned with hashes.
# Run after changing [project].dependencies in pyproject.toml, with Python 3.11.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools/venv"
"$tools/venv/bin/pip" install --quiet "pip-tools==7.7.0"
# Only the public index: no local mirrors or wheel folders leak into the lock.
env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
  "$tools/venv/bin/pip-compile" --quiet --generate-hashes --allow-unsafe \
  --all-build-deps --strip-extras --no-emit-index-url --no-emit-find-links \
  --output-file requirements/action.lock pyproject.toml
