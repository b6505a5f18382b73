#!/usr/bin/env bash
# Installs what shopctl needs on a Debian machine with Node 20, then builds it:
# npm packages, and nginx, redis-server, mariadb-server, docker.io, debootstrap, docker-compose,
# docker-registry and nftables through apt
# when run as root
# (otherwise it prints the exact command to run and exits 3). Safe to run again: each step
# is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  say "Node $node_major found; shopctl needs Node 20 or newer"
  exit 3
fi

# npm packages: install when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Server programs, looked up also in sbin (Debian installs servers there).
export PATH="$PATH:/usr/sbin:/usr/local/sbin:/sbin"
packages=()
command -v nginx >/dev/null || packages+=(nginx)
command -v redis-server >/dev/null || packages+=(redis-server)
command -v redis-cli >/dev/null || packages+=(redis-tools)
{ command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null; } || packages+=(mariadb-server)
command -v mariadb >/dev/null || packages+=(mariadb-client)
# The docker driver's tests: an engine of their own (dockerd, started privately) and the tools
# that build its images from Debian packages.
command -v dockerd >/dev/null || packages+=(docker.io)
command -v debootstrap >/dev/null || packages+=(debootstrap)
# `shopctl export compose` is checked with Debian's docker-compose (config, and one real up).
command -v docker-compose >/dev/null || packages+=(docker-compose)
# A registry on loopback, so the docker driver's image pulls are tested for real.
command -v docker-registry >/dev/null || packages+=(docker-registry)
# `shopctl fault partition`: silent drops between nodes (docs/faults.md).
command -v nft >/dev/null || packages+=(nftables)
if [ "${#packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${packages[*]}"
    say "run: sudo apt-get update && sudo apt-get install -y ${packages[*]}"
    exit 3
  fi
  say "installing Debian packages: ${packages[*]}"
  apt-get update -qq
  # shopctl runs its own server processes on its own ports; the packages' system services
  # (if the machine starts them) listen on the default ports and do not get in the way.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

say "building (tsc)"
npx tsc -p tsconfig.build.json
