#!/usr/bin/env bash
# A Docker engine of one's own, for machines that have dockerd but no running engine (like CI
# here): its data, socket and pid under DIR, no bridge and no iptables rules, so containers use
# host networking and nothing on the machine's network changes.
#   scripts/docker/private-dockerd.sh start DIR   # prints the DOCKER_HOST to export
#   scripts/docker/private-dockerd.sh stop DIR    # stops that dockerd (by its pid file) and cleans DIR
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
socket="unix://$dir/docker.sock"

case "$action" in
  start)
    command -v dockerd >/dev/null || { echo "private-dockerd: dockerd is missing; install it with: apt-get install -y docker.io" >&2; exit 3; }
    if [ -f "$dir/docker.pid" ] && kill -0 "$(cat "$dir/docker.pid")" 2>/dev/null; then echo "export DOCKER_HOST=$socket"; exit 0; fi
    touch "$dir/.shopctl-private-dockerd"   # what `stop` checks before it deletes DIR
    setsid dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" -H "$socket" \
      --storage-driver vfs --bridge=none --iptables=false --ip-masq=false --ip6tables=false >"$dir/dockerd.log" 2>&1 < /dev/null &
    started=$!
    for _ in $(seq 1 120); do
      if DOCKER_HOST=$socket docker info >/dev/null 2>&1; then echo "export DOCKER_HOST=$socket"; exit 0; fi
      sleep 0.5
    done
    echo "private-dockerd: no answer on $socket within 60 s; see $dir/dockerd.log" >&2
    kill "$started" 2>/dev/null || true
    exit 3
    ;;
  stop)
    [ -f "$dir/.shopctl-private-dockerd" ] || { echo "private-dockerd: $dir was not made by '$0 start'; left alone" >&2; exit 64; }
    if [ -f "$dir/docker.pid" ]; then
      pid=$(cat "$dir/docker.pid")
      # Only the dockerd this folder names, never whatever reused its pid.
      if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
        kill "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then echo "private-dockerd: dockerd $pid did not stop within 30 s; $dir kept" >&2; exit 3; fi
      fi
    fi
    # dockerd leaves its default network namespace mounted under its exec-root.
    umount "$dir/exec/netns/default" 2>/dev/null || true
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
