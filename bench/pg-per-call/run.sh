#!/usr/bin/env bash
# What one call of ledger.append_group and of ledger.append_single_events costs the database, for groups of several
# sizes: one pgbench client drives one backend for a few seconds per figure, and the backend's CPU time is read from
# the postmaster's reaped-children counters once the client has gone. The same caller with a function that does
# nothing is measured too, to be taken away. The backends force generic plans, as the service's append pool does.
# Run as root (the server runs as the postgres user) or as a user that may start PostgreSQL itself.
# usage: bench/pg-per-call/run.sh [seconds per figure] [group sizes...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-5}"; shift || true
read -r -a sizes <<<"${*:-1 4 8}"
for number in "$seconds" "${sizes[@]}"; do
  [[ "$number" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: seconds and group sizes must be whole numbers of at least 1, not '$number'" >&2; exit 2; }
done
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
work="$(mktemp -d)"; port=$((20000 + RANDOM % 20000))
as_server() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$work"
as_server "'$bin/initdb' -D '$work/data' -A trust -U postgres >/dev/null"
as_server "'$bin/pg_ctl' -D '$work/data' -l '$work/log' -w -o \"-p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c unix_socket_directories='$work'\" start >/dev/null"
trap 'as_server "\"$bin/pg_ctl\" -D \"$work/data\" -m immediate stop >/dev/null"; rm -rf "$work"' EXIT
psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1)
"${psql[@]}" -c "create schema ledger; create table ledger.migrations (version integer primary key, name text not null, checksum text not null, applied_at timestamptz not null default clock_timestamp())"
for migration in "$here"/../../src/CooperationLedger.EventStore/Migrations/*.sql; do "${psql[@]}" -f "$migration"; done
"${psql[@]}" -f "$here/harness.sql"
postmaster="$(head -n 1 "$work/data/postmaster.pid")"
children_ticks() { awk '{print $16 + $17}' "/proc/$postmaster/stat"; }
echo "| function | appends per call | calls | CPU per call |"
echo "| --- | ---: | ---: | ---: |"
for size in "${sizes[@]}"; do
  for function in ledger_noop_group ledger.append_group ledger_noop_single_events ledger.append_single_events; do
    echo "select bench_append_group(:client_id, $size, '$function');" > "$work/script.sql"
    before="$(children_ticks)"
    calls="$(PGOPTIONS="-c plan_cache_mode=force_generic_plan" "$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c 1 -T "$seconds" -f "$work/script.sql" postgres 2>&1 | sed -n 's/.*actually processed: \([0-9]*\).*/\1/p')"
    sleep 0.5
    after="$(children_ticks)"
    # Ticks are hundredths of a second on Linux.
    echo "| $function | $size | $calls | $(awk -v t=$((after - before)) -v n="$calls" 'BEGIN { printf "%.3f ms", t * 10 / n }') |"
  done
done
