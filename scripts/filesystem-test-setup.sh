#!/usr/bin/env bash
# What the filesystem target's tests need beyond the venv: strace (crash points and
# the stat-cache test) and root for tmpfs mounts (full disk, read-only root).
set -euo pipefail
if ! command -v strace >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends strace >/dev/null
  else
    echo "strace is missing: install it (apt-get install strace)" >&2
    exit 1
  fi
fi
