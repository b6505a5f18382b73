#!/usr/bin/env bash
# Builds shopctl's node images locally from Debian's packages, for machines without a registry:
#   1. a Debian 12 (bookworm) root filesystem made with debootstrap, imported as shopctl/debian:12
#   2. from it, one image per node kind, its server installed from Debian's packages:
#      shopctl/nginx:12, shopctl/redis:12, shopctl/mariadb:12, and shopctl/node:20 (this
#      machine's Node 20 binary copied in; the project is mounted at run time).
# Usage: scripts/docker/build-images.sh   (DOCKER_HOST selects the engine; root, for debootstrap)
# The rootfs tarball is cached in ${SHOPCTL_IMAGE_CACHE:-$HOME/.cache/shopctl}; delete it to rebuild.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${SHOPCTL_IMAGE_CACHE:-$HOME/.cache/shopctl}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$cache"

need() { command -v "$1" >/dev/null || { echo "build-images: $1 is missing; install it with: apt-get install -y $2" >&2; exit 3; }; }
need docker docker.io
need debootstrap debootstrap
docker info >/dev/null 2>&1 || {
  echo "build-images: no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}); start one, e.g.:" >&2
  echo '  eval "$(scripts/docker/private-dockerd.sh start /tmp/shopctl-dockerd)"' >&2
  exit 3
}

started=$(date +%s)
if ! docker image inspect shopctl/debian:12 >/dev/null 2>&1; then
  if [ ! -f "$cache/bookworm-minbase.tar" ]; then
    root="$(mktemp -d)"
    trap 'rm -rf "$root"' EXIT
    echo "build-images: debootstrap bookworm (minbase) from $mirror"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
    # apt inside the images uses the same mirror; no recommends keeps them small.
    echo "deb $mirror bookworm main" > "$root/etc/apt/sources.list"
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$root/etc/apt/apt.conf.d/90shopctl"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$cache/bookworm-minbase.tar.tmp" . && mv "$cache/bookworm-minbase.tar.tmp" "$cache/bookworm-minbase.tar"
  fi
  echo "build-images: importing shopctl/debian:12"
  docker import "$cache/bookworm-minbase.tar" shopctl/debian:12 >/dev/null
fi

build() { # tag, dockerfile, context
  echo "build-images: $1"
  docker build --network host -q -t "$1" -f "$2" "$3" >/dev/null
}
build shopctl/nginx:12 "$here/nginx.Dockerfile" "$here"
build shopctl/redis:12 "$here/redis.Dockerfile" "$here"
build shopctl/mariadb:12 "$here/mariadb.Dockerfile" "$here"
node_context="$(mktemp -d)"
cp "$(command -v node)" "$node_context/node"
build shopctl/node:20 "$here/node.Dockerfile" "$node_context"
rm -rf "$node_context"
echo "build-images: done in $(( $(date +%s) - started )) s"
