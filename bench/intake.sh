#!/usr/bin/env bash
# intake.sh: the report-intake benchmark of Peluit. Prints figures; it is not a test and
# always exits 0 once it has measured (a missed goal prints "below goal").
#
#   1. Text-only submissions per second (POST /api/v1/reports, JSON, 201) with several
#      concurrent clients (CLIENTS, default "2 4 8"; bench/loadc.c, ROUNDS runs per client
#      count, each counting the 201s answered in a DURATION-second window after WARMUP seconds
#      of the same load), beside the raw Argon2id rate of the receipt's parameters (opslimit 3,
#      memlimit 64 MiB, crypto_pwhash_ALG_ARGON2ID13, nproc threads, RAW_HASHES hashes per
#      thread; bench/argon2_rate.c, whose rate is the sum of the threads' own rates) measured
#      in the same run, interleaved with the submission runs (raw, submissions, raw, …, raw).
#      Goal: ratio >= 0.8.
#   2. One 256 MiB evidence upload (multipart: category, message, then one `evidence` file),
#      with curl, to a freshly started server: throughput in MB/s (10^6 bytes/s, file bytes /
#      curl's time_total, so the receipt's Argon2id at the end is included; goal >= 150), and
#      the server's peak RSS growth (VmHWM after the upload minus VmRSS just before it) beyond
#      the 64 MiB of Argon2id working memory the receipt needs (goal < 32 MiB). Two files:
#      "random" (FF D8 FF E0, then random bytes) and "jpeg" (a structurally valid JPEG from
#      bench/mkjpeg.c, which the metadata filter really has to walk); UPLOADS uploads of
#      each, every one against its own fresh server process so VmHWM starts clean.
#
# Usage: bench/intake.sh           (about 70 s with the defaults)
# Environment: CLIENTS ("2 4 8"), ROUNDS (2), WARMUP (1 s), DURATION (6 s), RAW_HASHES (10),
#              UPLOAD_MIB (256), UPLOADS (2).
# PELUIT_BIN: use this peluit binary instead of running `make build/peluit`.
# Needs cc, curl and libsodium's headers (libsodium-dev), and about (2 + 2 × UPLOADS) ×
# UPLOAD_MIB of free disk in TMPDIR (the two files, and the encrypted copies in the database).
# Everything listens on, and is sent to, 127.0.0.1 only. The machine this was written on has
# 2 cores, shared by the load client (or curl), the raw-rate program and the server.
set -euo pipefail

CLIENTS=${CLIENTS:-"2 4 8"}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-1}
DURATION=${DURATION:-6}
RAW_HASHES=${RAW_HASHES:-10}
UPLOAD_MIB=${UPLOAD_MIB:-256}
UPLOADS=${UPLOADS:-2}
RATIO_GOAL=0.80
MBS_GOAL=150
RSS_GOAL_MIB=32
OPS=3
MEM=$((64 << 20))
ARGON_MIB=64
PASSWORD='bench intake password 91c2'
MESSAGE='Benchmark report: the contractor invoiced the village road twice in one year.'

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
TMP=$(mktemp -d "${TMPDIR:-/tmp}/peluit-bench-intake.XXXXXX")
PELUIT_PID=
SAMPLER_PID=
# shellcheck disable=SC2317 # called from the traps
stop_server() {
	if [ -n "$PELUIT_PID" ]; then
		kill -TERM "$PELUIT_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$PELUIT_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$PELUIT_PID" 2>/dev/null || true
		wait "$PELUIT_PID" 2>/dev/null || true
		PELUIT_PID=
	fi
}
# shellcheck disable=SC2317
cleanup() {
	trap - EXIT INT TERM
	if [ -n "$SAMPLER_PID" ]; then
		kill "$SAMPLER_PID" 2>/dev/null || true
		wait "$SAMPLER_PID" 2>/dev/null || true
	fi
	stop_server
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'say; say "interrupted"; cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# --- helpers -----------------------------------------------------------------------------
cc -O2 -pthread -o "$TMP/argon2_rate" bench/argon2_rate.c -lsodium ||
	die "could not build bench/argon2_rate.c (is libsodium-dev installed?)"
cc -O2 -pthread -o "$TMP/loadc" bench/loadc.c || die "could not build bench/loadc.c"
cc -O2 -o "$TMP/mkjpeg" bench/mkjpeg.c || die "could not build bench/mkjpeg.c"

field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }   # field NAME "a=1 b=2"
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
kib() { awk '$1 == "'"$1"':" { print $2 }' "/proc/$PELUIT_PID/status"; }
cpu_s() {   # the server's user + system CPU seconds so far
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' \
		"/proc/$PELUIT_PID/stat"
}
raw() { "$TMP/argon2_rate" "${1:-$NPROC}" "$RAW_HASHES" "$OPS" "$MEM"; }

start_server() {
	: >"$TMP/peluit.out"
	PELUIT_RATE_LIMITS=off "$BIN" serve --data "$TMP/data" --listen 127.0.0.1:0 \
		>"$TMP/peluit.out" 2>>"$TMP/peluit.log" </dev/null &
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
}

# --- Peluit ------------------------------------------------------------------------------
"$BIN" init --data "$TMP/data" >/dev/null
# A 256 MiB file is over the default 100 MiB limit.
printf '[limits]\nmax_file_bytes = 1073741824\n' >"$TMP/data/peluit.conf"
printf '%s\n' "$PASSWORD" >"$TMP/password"
# Reports are accepted only once a confirmed reader exists: the first supervisor (the trust
# root) is one.
"$BIN" user add --data "$TMP/data" --username bench-sup --role supervisor \
	--password-file "$TMP/password" >/dev/null
printf '{"category":"korupsi","message":"%s"}' "$MESSAGE" >"$TMP/report.json"

start_server
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @"$TMP/report.json" "http://127.0.0.1:$PORT/api/v1/reports")
[ "$code" = 201 ] || die "a test submission answered $code, not 201"

say "Peluit intake benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc=$NPROC," \
	"CPU $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
say "Receipt Argon2id: opslimit $OPS, memlimit $ARGON_MIB MiB; server semaphore: $NPROC slots"
say "Client and server share the same $NPROC cores; nothing is pinned."
say "Load average just before the run: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running on"
say "these cores skews the figures; the raw runs are interleaved to share such drifts)."
say
say "1. Text-only submissions"
one=$(raw 1)
say "  raw Argon2id, 1 thread:   $(field rate "$one") hashes/s ($(field cpu_ms_per_hash "$one") ms CPU per hash)"

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
"$TMP/loadc" "$PORT" /api/v1/reports "$TMP/report.json" application/json 2 0 3 201 >/dev/null
rawrun
for c in $CLIENTS; do
	for _ in $(seq "$ROUNDS"); do
		c0=$(cpu_s)
		l=$("$TMP/loadc" "$PORT" /api/v1/reports "$TMP/report.json" application/json \
			"$c" "$WARMUP" "$DURATION" 201)
		c1=$(cpu_s)
		LINES+=("$l")
		# The server's CPU time over the whole run (warm-up and drain included) divided by
		# every submission answered in that time.
		CPUS+=("$(calc "1000 * ($c1 - $c0) / $(field total "$l")" 0)")
		say "  submissions, $c clients: $(field rate "$l")/s ($l)"
		rawrun
	done
done

say
say "| clients | submissions/s | raw Argon2id/s ($NPROC threads) | ratio | goal | status | server CPU ms/submission | latency avg / p50 / p99 ms | failed requests |"
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
	rate=$(calc "$ok / ($ROUNDS * $DURATION)" 2)
	rawm=$(calc "$rsum / ($ROUNDS + 1)" 2)
	ratio=$(calc "$rate / $rawm" 2)
	status=ok
	below "$ratio" "$RATIO_GOAL" && status="below goal"
	[ "$fail" = 0 ] || status="$status ($fail requests failed)"
	say "| $c | $rate | $rawm | **$ratio** | ≥ $RATIO_GOAL | $status | ${cpu%, } | ${lat%; } | $fail |"
	j=$((j + ROUNDS))
done
say
say "Each row: $ROUNDS runs of $DURATION s (after $WARMUP s of warm-up each); submissions/s = all"
say "201s / all measured seconds; raw = the mean of the $((ROUNDS + 1)) raw runs around them."
say "raw runs ($NPROC threads × $RAW_HASHES hashes each): ${RAWS[*]} hashes/s"
say "raw Argon2id CPU per hash (user + system): ${RAWCPU[*]} ms, mean $(printf '%s\n' "${RAWCPU[@]}" |
	awk '{ s += $1 } END { printf "%.0f", s / NR }') ms (compare the server's CPU ms per request above)"
stop_server

# --- 2. one large upload -----------------------------------------------------------------
# Two kinds of file, UPLOADS uploads of each, every upload to a freshly started server:
#   random: FF D8 FF E0, then random bytes. The server's JPEG metadata filter drops the
#           "APP0" segment those random bytes declare, finds no valid marker after it and
#           keeps the rest as it is ("cleaned": false): little filter work.
#   jpeg:   a structurally valid baseline JPEG from bench/mkjpeg.c (JFIF, a comment, DQT, SOF0,
#           DHT, SOS, random entropy-coded data with FF 00 stuffing, EOI): the filter walks the
#           markers, drops the comment and scans all the entropy-coded data, as for a photo.
say
say "2. One ${UPLOAD_MIB} MiB evidence upload (per upload a fresh server; VmRSS sampled every 10 ms)"
{
	printf '\xff\xd8\xff\xe0'
	head -c $((UPLOAD_MIB * 1024 * 1024 - 4)) /dev/urandom
} >"$TMP/random.jpg"
"$TMP/mkjpeg" $((UPLOAD_MIB * 1024 * 1024)) "$TMP/jpeg.jpg"
SIZE=$(stat -c %s "$TMP/random.jpg")
[ "$(stat -c %s "$TMP/jpeg.jpg")" = "$SIZE" ] || die "mkjpeg wrote the wrong size"

# Samples the server's VmRSS every 10 ms into a file, until killed.
sampler() {
	while :; do
		awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null || break
		sleep 0.01
	done >"$2"
}

declare -A MBS=() GROW=() BEYOND=() AFTER=()
KINDS="random jpeg"
for kind in $KINDS; do
	for u in $(seq "$UPLOADS"); do
		start_server
		sleep 1
		before=$(kib VmRSS)
		hwm0=$(kib VmHWM)
		sampler "$PELUIT_PID" "$TMP/rss" &
		SAMPLER_PID=$!
		c0=$(cpu_s)
		out=$(curl -s -o "$TMP/upload.json" -H 'Expect:' \
			-w '%{http_code} %{time_total}' \
			-F category=korupsi -F "message=$MESSAGE" \
			-F "evidence=@$TMP/$kind.jpg;type=image/jpeg;filename=evidence.jpg" \
			"http://127.0.0.1:$PORT/api/v1/reports")
		c1=$(cpu_s)
		kill "$SAMPLER_PID" 2>/dev/null || true
		wait "$SAMPLER_PID" 2>/dev/null || true
		SAMPLER_PID=
		hwm=$(kib VmHWM)
		after=$(kib VmRSS)
		read -r code total <<<"$out"
		[ "$code" = 201 ] || { cat "$TMP/upload.json" >&2; die "the upload answered $code, not 201"; }
		# What the server kept: the size after metadata removal, and what it removed.
		kept=$(sed -n 's/.*"files":\[{\(.*\)}\].*/\1/p' "$TMP/upload.json")
		grep -q '"type":"image/jpeg"' <<<"$kept" || die "the server did not keep a JPEG: $(cat "$TMP/upload.json")"
		mbs=$(calc "$SIZE / $total / 1000000" 1)
		grow=$(calc "($hwm - $before) / 1024" 1)
		beyond=$(calc "$grow - $ARGON_MIB" 1)
		# The highest VmRSS the sampler saw (a cross-check of VmHWM; it can miss short peaks).
		seen=$(sort -n "$TMP/rss" | tail -1)
		MBS[$kind]="${MBS[$kind]:-}$mbs " GROW[$kind]="${GROW[$kind]:-}$grow "
		BEYOND[$kind]="${BEYOND[$kind]:-}$beyond "
		AFTER[$kind]="${AFTER[$kind]:-}$(calc "($after - $before) / 1024" 1) "
		say "  $kind $u: HTTP $code in $total s = $mbs MB/s; server CPU $(calc "$c1 - $c0" 2) s;" \
			"VmRSS before $(calc "$before / 1024" 1) MiB (VmHWM $(calc "$hwm0 / 1024" 1))," \
			"VmHWM after $(calc "$hwm / 1024" 1) MiB, VmRSS after $(calc "$after / 1024" 1) MiB;" \
			"highest of $(wc -l <"$TMP/rss") samples $(calc "${seen:-0} / 1024" 1) MiB"
		# shellcheck disable=SC2001 # a regex, not a fixed string
		say "    kept: $(sed 's/"name":"[^"]*",//' <<<"$kept")"
		stop_server
	done
done
say "  data directory after the uploads: $(du -sm "$TMP/data" | cut -f1) MiB"

mean() { printf '%s\n' "$@" | awk 'NF { s += $1; n++ } END { printf "%.1f", s / n }'; }
maxof() { printf '%s\n' "$@" | sort -g | tail -1; }
say
say "| file | MB/s (each upload) | mean MB/s | goal | status | peak RSS growth, MiB | minus $ARGON_MIB MiB Argon2id (worst) | goal | status | RSS growth left after, MiB |"
say "|---|---|---:|---|---|---|---:|---|---|---|"
for kind in $KINDS; do
	# shellcheck disable=SC2086 # word splitting of the lists is meant
	{ m=$(mean ${MBS[$kind]}); b=$(maxof ${BEYOND[$kind]}); }
	s1=ok s2=ok
	below "$m" "$MBS_GOAL" && s1="below goal"
	below "$b" "$RSS_GOAL_MIB" || s2="below goal"
	say "| $kind | ${MBS[$kind]% } | **$m** | ≥ $MBS_GOAL | $s1 | ${GROW[$kind]% } | **$b** | < $RSS_GOAL_MIB | $s2 | ${AFTER[$kind]% } |"
done
say
say "MB/s = $SIZE bytes / curl's time_total (the whole request, the receipt's Argon2id included)."
say "Peak RSS growth = VmHWM after the upload − VmRSS just before it (a fresh server, idle 1 s);"
say "the receipt's Argon2id alone needs $ARGON_MIB MiB while it runs, so that is subtracted."
exit 0
