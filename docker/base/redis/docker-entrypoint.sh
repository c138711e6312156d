#!/bin/sh
# As the official image's entrypoint: with no config file, Redis binds every interface but its
# protected mode would refuse every other container; the container's network is the boundary.
set -e
if [ "${1#-}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ]; then
  case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac
fi
exec "$@"
