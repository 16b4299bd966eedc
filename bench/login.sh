#!/usr/bin/env bash
# login.sh: the staff-login benchmark of Peluit. Prints figures; it is not a test and always
# exits 0 once it has measured (a missed goal prints "below goal").
#
#   - logins per second (POST /api/v1/staff/login, right password, an admin account) with
#     several concurrent clients (CLIENTS, default "2 4 8"), with bench/loadc.c: ROUNDS runs
#     per client count, each counting the logins answered in a DURATION-second window after
#     WARMUP seconds of the same load;
#   - beside the raw Argon2id rate of this machine with the same parameters (libsodium
#     crypto_pwhash, OPSLIMIT_MODERATE / MEMLIMIT_MODERATE = 3 / 256 MiB, nproc threads, a
#     fixed RAW_HASHES hashes per thread; bench/argon2_rate.c, whose rate is the sum of the
#     threads' own rates), measured in the same run, interleaved with the login runs (raw,
#     logins, raw, logins, …, raw). Goal: ratio >= 0.85.
#
# Usage: bench/login.sh            (about 1.5–2 minutes with the defaults)
# Environment: CLIENTS ("2 4 8"), ROUNDS (2), WARMUP (1 s), DURATION (10 s), RAW_HASHES (3).
# PELUIT_BIN: use this peluit binary instead of running `make build/peluit`.
# Needs cc, curl and libsodium's headers (libsodium-dev). Everything listens on, and is sent
# to, 127.0.0.1 only. The machine this was written on has 2 cores, shared by the load client,
# the raw-rate program and the server.
set -euo pipefail

CLIENTS=${CLIENTS:-"2 4 8"}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-1}
DURATION=${DURATION:-10}
RAW_HASHES=${RAW_HASHES:-3}
RATIO_GOAL=0.85
OPS=3                 # crypto_pwhash_OPSLIMIT_MODERATE
MEM=$((256 << 20))    # crypto_pwhash_MEMLIMIT_MODERATE
PASSWORD='bench login password 7f3a'

cd "$(dirname "$0")/.."

say() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

command -v cc >/dev/null 2>&1 || die "cc is missing"
command -v curl >/dev/null 2>&1 || die "curl is missing"
if [ -n "${PELUIT_BIN:-}" ]; then
	BIN=$(realpath "$PELUIT_BIN")   # an already built binary, e.g. of another checkout
	[ -x "$BIN" ] || die "PELUIT_BIN=$PELUIT_BIN is not an executable"
else
	make build/peluit >/dev/null || die "make build/peluit failed"
	BIN=$PWD/build/peluit
fi
NPROC=$(nproc)

# --- temp dir and cleanup ----------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/peluit-bench-login.XXXXXX")
PELUIT_PID=
# shellcheck disable=SC2317 # called from the traps
cleanup() {
	trap - EXIT INT TERM
	if [ -n "$PELUIT_PID" ]; then
		kill -TERM "$PELUIT_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$PELUIT_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$PELUIT_PID" 2>/dev/null || true
		wait "$PELUIT_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'say; say "interrupted"; cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# --- helpers -----------------------------------------------------------------------------
cc -O2 -pthread -o "$TMP/argon2_rate" bench/argon2_rate.c -lsodium ||
	die "could not build bench/argon2_rate.c (is libsodium-dev installed?)"
cc -O2 -pthread -o "$TMP/loadc" bench/loadc.c || die "could not build bench/loadc.c"

field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }   # field NAME "a=1 b=2"
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
# Server CPU seconds (user + system) so far, from /proc/PID/stat.
cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' \
		"/proc/$PELUIT_PID/stat"
}

raw() { "$TMP/argon2_rate" "${1:-$NPROC}" "$RAW_HASHES" "$OPS" "$MEM"; }

# --- Peluit ------------------------------------------------------------------------------
"$BIN" init --data "$TMP/data" >/dev/null
printf '%s\n' "$PASSWORD" >"$TMP/password"
# The first supervisor becomes the trust root. The logins use an admin account: a
# supervisor's login also co-signs the audit trail, which is not what this measures.
"$BIN" user add --data "$TMP/data" --username bench-sup --role supervisor \
	--password-file "$TMP/password" >/dev/null
"$BIN" user add --data "$TMP/data" --username bench-admin --role admin \
	--password-file "$TMP/password" >/dev/null
printf '{"username":"bench-admin","password":"%s"}' "$PASSWORD" >"$TMP/login.json"

PELUIT_RATE_LIMITS=off "$BIN" serve --data "$TMP/data" --listen 127.0.0.1:0 \
	>"$TMP/peluit.out" 2>"$TMP/peluit.log" </dev/null &
PELUIT_PID=$!
PORT=
for _ in $(seq 100); do
	PORT=$(sed -n 's|^Peluit serving on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/peluit.out")
	[ -n "$PORT" ] && break
	kill -0 "$PELUIT_PID" 2>/dev/null || { cat "$TMP/peluit.log" >&2; die "peluit serve exited"; }
	sleep 0.1
done
[ -n "$PORT" ] || die "peluit serve did not report its port within 10 s"
[ "$(cat "/proc/$PELUIT_PID/comm")" = peluit ] || die "pid $PELUIT_PID is not peluit"

code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @"$TMP/login.json" "http://127.0.0.1:$PORT/api/v1/staff/login")
[ "$code" = 200 ] || die "a test login answered $code, not 200"

say "Peluit login benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc=$NPROC," \
	"CPU $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
say "Argon2id: opslimit $OPS, memlimit $((MEM >> 20)) MiB (MODERATE); server semaphore: $NPROC slots"
say "Client and server share the same $NPROC cores; nothing is pinned."
say "Load average just before the run: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running on"
say "these cores skews the figures; the raw runs are interleaved to share such drifts)."
say

# For information: does Argon2id scale from 1 to nproc threads on this machine?
one=$(raw 1)
say "raw Argon2id, 1 thread:   $(field rate "$one") hashes/s ($(field cpu_ms_per_hash "$one") ms CPU per hash)"

# raw, logins(C1), raw, logins(C1), raw, logins(C2), raw, …, raw: ROUNDS login runs per
# client count, each bracketed by raw runs, so that drifts in the machine's speed (it is a
# shared VM) hit both sides of each ratio alike.
declare -a RAWS=() RAWCPU=() LINES=() CPUS=()
rawrun() {
	local r
	r=$(raw)
	RAWS+=("$(field rate "$r")")
	RAWCPU+=("$(field cpu_ms_per_hash "$r")")
	say "  raw Argon2id, $NPROC threads: $(field rate "$r") hashes/s ($(field cpu_ms_per_hash "$r") ms CPU per hash)"
}
# Warm-up (not counted): the server's first requests, and both cores busy before the first
# raw run (on this VM a run right after a quiet spell started slower).
"$TMP/loadc" "$PORT" /api/v1/staff/login "$TMP/login.json" application/json 2 0 3 200 >/dev/null
rawrun
for c in $CLIENTS; do
	for _ in $(seq "$ROUNDS"); do
		c0=$(cpu_s)
		l=$("$TMP/loadc" "$PORT" /api/v1/staff/login "$TMP/login.json" application/json \
			"$c" "$WARMUP" "$DURATION" 200)
		c1=$(cpu_s)
		LINES+=("$l")
		say "  logins, $c clients: $(field rate "$l")/s ($l)"
		# CPU per login: the server's user + system time over the whole run, warm-up and
		# drain included, divided by every login answered in that time.
		CPUS+=("$(calc "1000 * ($c1 - $c0) / $(field total "$l")" 0)")
		rawrun
	done
done

# --- table -------------------------------------------------------------------------------
say
say "| clients | logins/s | raw Argon2id/s ($NPROC threads) | ratio | goal | status | server CPU ms/login | latency avg / p50 / p99 ms | failed requests |"
say "|---:|---:|---:|---:|---|---|---|---|---|"
j=0
for c in $CLIENTS; do
	ok=0 lat="" cpu="" fail=0 rsum=0
	for k in $(seq 0 $((ROUNDS - 1))); do
		l=${LINES[$((j + k))]}
		ok=$((ok + $(field ok "$l")))
		fail=$((fail + $(field other "$l") + $(field errors "$l")))
		lat="$lat$(field avg_ms "$l") / $(field p50_ms "$l") / $(field p99_ms "$l"); "
		cpu="$cpu${CPUS[$((j + k))]}, "
	done
	for k in $(seq 0 "$ROUNDS"); do rsum=$(calc "$rsum + ${RAWS[$((j + k))]}" 4); done
	rate=$(calc "$ok / ($ROUNDS * $DURATION)" 3)
	rawm=$(calc "$rsum / ($ROUNDS + 1)" 3)
	ratio=$(calc "$rate / $rawm" 2)
	status=ok
	awk -v r="$ratio" -v g="$RATIO_GOAL" 'BEGIN { exit !(r < g) }' && status="below goal"
	[ "$fail" = 0 ] || status="$status ($fail requests failed)"
	say "| $c | $rate | $rawm | **$ratio** | ≥ $RATIO_GOAL | $status | ${cpu%, } | ${lat%; } | $fail |"
	j=$((j + ROUNDS))
done
say
say "Each row: $ROUNDS runs of $DURATION s (after $WARMUP s of warm-up each); logins/s = all ok"
say "logins / all measured seconds; raw = the mean of the $((ROUNDS + 1)) raw runs around them."
say "raw runs ($NPROC threads × $RAW_HASHES hashes each): ${RAWS[*]} hashes/s"
say "raw Argon2id CPU per hash (user + system): ${RAWCPU[*]} ms, mean $(printf '%s\n' "${RAWCPU[@]}" |
	awk '{ s += $1 } END { printf "%.0f", s / NR }') ms (compare the server's CPU ms per request above)"
say "server peak RSS (VmHWM): $(awk '$1 == "VmHWM:" { printf "%.1f MiB", $2 / 1024 }' "/proc/$PELUIT_PID/status")"
exit 0
