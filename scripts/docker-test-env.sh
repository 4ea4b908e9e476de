#!/usr/bin/env bash
# Install what the Docker target's tests and benchmark need: Docker engines, a static
# busybox for FROM-scratch test images, a local registry and an SSH server.
# The tests start (and stop, by PID) their own engines, registry and sshd on loopback;
# this script only installs packages, and does nothing when they are all present.
# Usage: bash scripts/docker-test-env.sh        (as root; Debian or Ubuntu)
set -euo pipefail

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-init >/dev/null || need+=(tini)
[ -x /bin/busybox ] && file_static=$(LC_ALL=C ldd /bin/busybox 2>&1 || true) || file_static=""
case "$file_static" in *"not a dynamic executable"*) ;; *) need+=(busybox-static) ;; esac
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ip >/dev/null || need+=(iproute2)

if [ ${#need[@]} -eq 0 ]; then
  echo "docker test environment: all packages present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "docker test environment: need root to install ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "docker test environment: installing ${need[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "docker test environment: installed ${need[*]}"
