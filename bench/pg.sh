#!/usr/bin/env bash
# pg.sh: submissions per second with one and with two `peluit serve` processes on one
# PostgreSQL database (a throwaway cluster, scripts/pg-cluster). Prints figures; not a test.
#
# For each layout, CLIENTS closed-loop clients per server (bench/loadc.c, one per server,
# running at once) POST text-only reports (JSON, 201) for DURATION seconds after WARMUP; the
# rate is the sum of the 201s per second over the servers, ROUNDS runs each. Layouts:
#   1 server on SQLite    unpinned, for comparison
#   1 server              unpinned
#   2 servers             unpinned
#   1 server  on 1 core   taskset -c 0
#   2 servers on 2 cores  taskset -c 0 and -c 1 (one core each: what adding a machine adds)
# PostgreSQL and the load clients are never pinned. The raw Argon2id rate of the machine,
# before and after, says what the submissions could reach at that moment. A submission's cost is mostly the
# receipt's Argon2id (64 MiB, opslimit 3), on the server's own cores; the database does one
# short serialized write transaction per report.
#
# Then, when wrk is installed, report views per second (GET /api/v1/reporter/report with a
# reporter's bearer token: a session lookup, the report, its messages, files and events,
# and their decryption; no Argon2id), wrk -t1 -c8 per server, one and two servers.
#
# Usage: bench/pg.sh            (about a minute and a half with the defaults)
# Environment: CLIENTS (4), ROUNDS (2), WARMUP (1), DURATION (6); PELUIT_BIN.
set -euo pipefail
CLIENTS=${CLIENTS:-4}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-1}
DURATION=${DURATION:-6}
cd "$(dirname "$0")/.."
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

if [ -n "${PELUIT_BIN:-}" ]; then
	BIN=$(realpath "$PELUIT_BIN")
else
	make build/peluit >/dev/null || die "make build/peluit failed"
	BIN=$PWD/build/peluit
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/peluit-bench-pg.XXXXXX")
PGDIR=$TMP/pg
PIDS=()
stop_servers() {
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	PIDS=()
}
# shellcheck disable=SC2317
cleanup() {
	trap - EXIT INT TERM
	stop_servers
	scripts/pg-cluster stop "$PGDIR" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

cc -O2 -pthread -o "$TMP/loadc" bench/loadc.c || die "could not build bench/loadc.c"
cc -O2 -pthread -o "$TMP/argon2_rate" bench/argon2_rate.c -lsodium ||
	die "could not build bench/argon2_rate.c (is libsodium-dev installed?)"
# The receipt's Argon2id (opslimit 3, 64 MiB) on every core, 5 hashes per thread: what the
# machine can do at all at this moment (bench/intake.sh compares the same way).
raw() {
	"$TMP/argon2_rate" "$(nproc)" 5 3 $((64 << 20)) | sed -n 's/.*\brate=\([0-9.]*\).*/\1/p'
}
chmod 711 "$TMP"   # as root the cluster runs as postgres, which must reach $TMP/pg
URL=$(scripts/pg-cluster start "$PGDIR") || die "could not start PostgreSQL"
psql -q "$URL/postgres" -c "CREATE DATABASE bench" >/dev/null
printf 'bench pg supervisor password 7e1\n' >"$TMP/pw"
mkdir -m 700 "$TMP/data" "$TMP/sqlite"
echo "db = $URL/bench" >"$TMP/data/peluit.conf"
for d in data sqlite; do   # $TMP/data on PostgreSQL; $TMP/sqlite, for comparison
	"$BIN" init --data "$TMP/$d" >/dev/null
	"$BIN" user add --data "$TMP/$d" --username sup --role supervisor --name Sup \
		--password-file "$TMP/pw" >/dev/null
done
DATA=$TMP/data
printf '{"category":"korupsi","message":"%s"}' \
	'Benchmark report: the contractor invoiced the village road twice in one year.' \
	>"$TMP/report.json"

# start_server N [CPU]: serve N (pinned to CPU when given); its port goes to PORTS[N].
PORTS=()
start_server() {
	local n=$1 out=$TMP/serve-$1.out pin=()
	[ -n "${2:-}" ] && pin=(taskset -c "$2")
	: >"$out"
	PELUIT_RATE_LIMITS=off "${pin[@]}" "$BIN" serve --data "$DATA" --listen 127.0.0.1:0 \
		>"$out" 2>>"$TMP/serve.log" </dev/null &
	PIDS+=($!)
	for _ in $(seq 100); do
		PORTS[n]=$(sed -n 's|^Peluit serving on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$out")
		[ -n "${PORTS[n]}" ] && return 0
		sleep 0.1
	done
	die "serve $n did not start (see $TMP/serve.log)"
}

# run LABEL SERVERS [CPU…]: prints the rate of each round and the mean.
run() {
	local label=$1 servers=$2 cpus=("${@:3}") sum=0 i r
	for ((i = 0; i < servers; i++)); do start_server "$i" "${cpus[i]:-}"; done
	for ((i = 0; i < servers; i++)); do   # warm each server's connections up
		"$TMP/loadc" "${PORTS[i]}" /api/v1/reports "$TMP/report.json" application/json \
			2 0 1 201 >/dev/null
	done
	local rates=()
	for ((r = 0; r < ROUNDS; r++)); do
		local outs=()
		for ((i = 0; i < servers; i++)); do
			"$TMP/loadc" "${PORTS[i]}" /api/v1/reports "$TMP/report.json" application/json \
				"$CLIENTS" "$WARMUP" "$DURATION" 201 >"$TMP/load-$i" &
			outs+=($!)
		done
		wait "${outs[@]}"
		local rate=0 other=0
		for ((i = 0; i < servers; i++)); do
			rate=$(awk -v a="$rate" -v l="$(cat "$TMP/load-$i")" \
				'BEGIN { match(l, /rate=[0-9.]+/); print a + substr(l, RSTART + 5, RLENGTH - 5) }')
			other=$((other + $(sed -n 's/.*other=\([0-9]*\).*/\1/p' "$TMP/load-$i")))
		done
		rates+=("$rate")
		sum=$(awk -v a="$sum" -v b="$rate" 'BEGIN { print a + b }')
		[ "$other" = 0 ] || echo "  ($label: $other answers other than 201)"
	done
	stop_servers
	printf '%-24s %s   mean %.2f/s\n' "$label" "$(printf '%6.2f ' "${rates[@]}")" \
		"$(awk -v s="$sum" -v n="$ROUNDS" 'BEGIN { print s / n }')"
}

echo "submissions/s, $CLIENTS clients per server, ${DURATION}s x $ROUNDS rounds, $(nproc) cores," \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw Argon2id before: $(raw) hashes/s"
DATA=$TMP/sqlite run "1 server on SQLite" 1
run "1 server" 1
run "2 servers" 2
run "1 server, 1 core" 1 0
if [ "$(nproc)" -ge 2 ]; then run "2 servers, 1 core each" 2 0 1; fi
echo "raw Argon2id after: $(raw) hashes/s"
views() {   # views LABEL SERVERS
	local label=$1 servers=$2 i rate=0
	for ((i = 0; i < servers; i++)); do start_server "$i"; done
	local outs=()
	for ((i = 0; i < servers; i++)); do
		wrk -t1 -c8 -d"${DURATION}s" -H "Authorization: Bearer $TOKEN" \
			"http://127.0.0.1:${PORTS[i]}/api/v1/reporter/report" >"$TMP/wrk-$i" &
		outs+=($!)
	done
	wait "${outs[@]}"
	for ((i = 0; i < servers; i++)); do
		rate=$(awk -v a="$rate" '/^Requests\/sec/ { print a + $2 }' "$TMP/wrk-$i")
		grep -q 'Non-2xx' "$TMP/wrk-$i" && echo "  ($label: answers other than 200)"
	done
	stop_servers
	printf '%-24s %8.0f/s\n' "$label" "$rate"
}
if command -v wrk >/dev/null; then
	start_server 0
	RECEIPT=$(curl -s -H 'Content-Type: application/json' --data-binary @"$TMP/report.json" \
		"http://127.0.0.1:${PORTS[0]}/api/v1/reports" | sed -n 's/.*"receipt":"\([0-9]*\)".*/\1/p')
	TOKEN=$(curl -s -H 'Content-Type: application/json' -d "{\"receipt\":\"$RECEIPT\"}" \
		"http://127.0.0.1:${PORTS[0]}/api/v1/reporter/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	stop_servers
	[ -n "$TOKEN" ] || die "could not sign in as the reporter"
	echo "report views/s (GET /api/v1/reporter/report), wrk -t1 -c8 per server, ${DURATION}s"
	views "1 server" 1
	views "2 servers" 2
fi
echo "reports in the database: $(psql -qtA "$URL/bench" -c 'SELECT count(*) FROM reports'), \
distinct case numbers: $(psql -qtA "$URL/bench" -c 'SELECT count(DISTINCT number) FROM reports')"
