#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster on 127.0.0.1 for tests and benchmarks.
#   postgres.sh start DIR   -> initdb (as user postgres) in DIR, start on a free port, print the connection string
#   postgres.sh stop DIR    -> stop it and delete DIR
# PostgreSQL refuses to run as root, hence runuser. Authentication is 'trust' on 127.0.0.1 only:
# this cluster holds nothing but test data and dies with the run.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
cmd=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case $cmd in
  start)
    [[ -x $bin/initdb ]] || { echo "postgres.sh: $bin/initdb not found (apt-get install postgresql-15)" >&2; exit 1; }
    mkdir -p "$dir"
    [[ $(id -u) == 0 ]] && chown postgres:postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c shared_buffers=256MB -c fsync=on" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
    ;;
  stop)
    if [[ -f $dir/data/postmaster.pid ]]; then as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
