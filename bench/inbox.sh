#!/usr/bin/env bash
# inbox.sh: the case-handling benchmark of Peluit (issue "Case handling"). Prints figures; it
# is not a test and exits 0 once it has measured (a missed goal prints "below goal").
#
#   1. Seeds REPORTS reports (default 100,000) through the real submission path: POST
#      /api/v1/reports over HTTP with SEED_CLIENTS keep-alive clients, each report encrypted,
#      sealed to every reader and to the organisation key, with its case number, system
#      message and audit entry, exactly as a citizen's. The server for this step is
#      build/bench/peluit, the same code built with PELUIT_BENCH_SEED, whose only difference
#      is the least Argon2id work for receipts (100,000 receipts at 64 MiB would take hours
#      on two cores). Seeded data is kept in BENCH_DIR for later runs (SEED=reuse).
#   2. Serves the seeded database with the release build (build/peluit) and, as an
#      investigator who reads every report, times ROUNDS requests each of: the first inbox
#      page, filtered pages (status + category; kecamatan sorted by due; overdue), a deep page, and case
#      pages (decrypting content, messages, files, history and the access list, and writing
#      the "report opened" audit entry). Prints p50 and p95 (goals: p95 < 25 ms for inbox
#      pages, < 15 ms for a case).
#
# Usage: bench/inbox.sh
# Environment: REPORTS (100000), SEED_CLIENTS (4), ROUNDS (400), BENCH_DIR (a temp dir, removed
#              unless KEEP=1), SEED=reuse to measure an already seeded BENCH_DIR.
# Needs python3 (the driver, bench/inbox.py). Listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

REPORTS=${REPORTS:-100000}
SEED_CLIENTS=${SEED_CLIENTS:-4}
ROUNDS=${ROUNDS:-400}
PORT=${PORT:-18911}
PW_SUP='bench inbox supervisor 4711'
PW_INV='bench inbox investigator 4711'

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || die "python3 is missing"
make build/peluit build/bench/peluit >/dev/null || die "build failed"

DIR=${BENCH_DIR:-$(mktemp -d /tmp/peluit-inbox.XXXXXX)}
mkdir -p "$DIR"
export PELUIT_DATA=$DIR/data PELUIT_RATE_LIMITS=off PELUIT_LISTEN=127.0.0.1:$PORT
SERVER=
cleanup() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
	[ -z "${BENCH_DIR:-}" ] && [ -z "${KEEP:-}" ] && rm -rf "$DIR"
	return 0
}
trap cleanup EXIT

serve() {
	"$1" serve >"$DIR/serve.out" 2>"$DIR/serve.log" &
	SERVER=$!
	for _ in $(seq 100); do
		grep -q "Peluit serving on" "$DIR/serve.out" 2>/dev/null && return 0
		sleep 0.1
	done
	die "the server did not start (see $DIR/serve.log)"
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=; }

if [ "${SEED:-}" != reuse ]; then
	printf '%s\n' "$PW_SUP" >"$DIR/sup.pw"
	printf '%s\n' "$PW_INV" >"$DIR/inv.pw"
	build/bench/peluit init >/dev/null
	build/bench/peluit user add --username sup --role supervisor --name 'Kepala Inspektorat' \
		--password-file "$DIR/sup.pw" >/dev/null
	build/bench/peluit user add --username inv --role investigator --name 'Auditor Satu' \
		--password-file "$DIR/inv.pw" --confirm-as sup --confirm-password-file "$DIR/sup.pw" \
		>/dev/null
	build/bench/peluit user add --username lead --role leader --name 'Wali Kota' \
		--password-file "$DIR/inv.pw" --confirm-as sup --confirm-password-file "$DIR/sup.pw" \
		>/dev/null
	echo "seeding $REPORTS reports through POST /api/v1/reports ($SEED_CLIENTS clients)"
	serve build/bench/peluit
	python3 bench/inbox.py seed "$PORT" "$REPORTS" "$SEED_CLIENTS"
	stop
	du -sh "$PELUIT_DATA" | awk '{print "data directory: " $1}'
fi

serve build/peluit
python3 bench/inbox.py measure "$PORT" inv "$PW_INV" "$ROUNDS" 200
stop
