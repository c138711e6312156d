#!/bin/bash
# The part of the official postgres image's entrypoint that podfleet relies on: on first start,
# initialise $PGDATA with POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, password auth from
# other hosts, listening on every interface; then run the server in the foreground.
set -euo pipefail
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile="$(mktemp)"
    printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
    printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
    if [ "$db" != postgres ]; then
      postgres --single -D "$PGDATA" -j postgres <<<"CREATE DATABASE \"$db\";" >/dev/null
    fi
  fi
fi
exec "$@"
