#!/usr/bin/env bash
# Installs every build, test and run dependency from Debian 12 packages. Idempotent: runs
# `apt-get update` (once) and `apt-get install` only when a package is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build git pkg-config
  g++ clang clang-format clang-tidy libclang-rt-14-dev
  libboost1.81-dev libpugixml-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libqpid-proton-cpp12-dev libsqlite3-dev sqlite3 libssl-dev openssl libcli11-dev
  rabbitmq-server wrk nginx-light python3 python3-jsonschema curl ca-certificates
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "[install-deps] all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "[apipnr.setup.001] missing packages and not root: ${missing[*]}" >&2
  exit 2
fi

echo "[install-deps] installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Services must not start at install time (tests start their own private instances).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created_policy=1
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}"
if ((created_policy)); then rm -f "$policy"; fi
echo "[install-deps] done"
