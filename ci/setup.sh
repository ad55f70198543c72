#!/usr/bin/env bash
# Installs every Debian package savefuzz needs. Idempotent and quiet: when all of
# them are installed already it does not touch apt at all.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev pkg-config
  libsqlite3-dev sqlite3 nlohmann-json3-dev libcli11-dev libsimdjson-dev
  libboost-dev libboost-filesystem-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  libfiu-dev fiu-utils libgoogle-perftools-dev python3 python3-jsonschema llvm-14
  chromium  # headless: the HTML report test renders a page in it
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  sudo=sudo
else
  sudo=
fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
