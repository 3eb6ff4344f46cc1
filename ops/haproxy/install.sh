#!/usr/bin/env bash
# HAProxy from Debian for `pnpm start --replicas N` (ops/scale/). Idempotent: nothing to do when
# `haproxy` is on PATH. Waits up to 5 min for another apt/dpkg run to release its lock.
set -euo pipefail
if command -v haproxy >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "haproxy is not installed: run 'sudo apt-get install -y haproxy' (Debian/Ubuntu)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends haproxy >/dev/null
# Debian's package enables a system service with its own config: Cloud Lab runs its own process.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now haproxy >/dev/null 2>&1 || true; fi
command -v haproxy >/dev/null
