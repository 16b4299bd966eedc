#!/usr/bin/env bash
# http.sh: the HTTP benchmark of Peluit. Prints figures; it is not a test and always exits 0
# once it has measured (a missed goal prints "below goal").
#
#   - requests per second of `GET /` and `GET /api/v1/meta` with wrk, against Peluit and
#     against nginx serving the same bytes (same Content-Type and headers) in the same run,
#     as a ratio (goal: Peluit >= 0.7 of nginx);
#   - the resident memory (VmRSS) of `peluit serve` idle after startup (goal < 10 MiB), and
#     again after the load.
#
# Usage: bench/http.sh   (or `make bench`)
# Environment: DURATION (10s), CONNECTIONS (64), THREADS (2), ROUNDS (2), WARMUP (2s).
# Everything listens on 127.0.0.1 only; nginx runs from a private config in a temp dir and
# never touches the system's nginx config or service.
set -euo pipefail

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-2s}
RATIO_GOAL=0.70
RSS_GOAL_MIB=10
URLS=(/ /api/v1/meta)

cd "$(dirname "$0")/.."

say() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- tools -------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if ((${#missing[@]})); then
	[ "$(id -u)" = 0 ] || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root"
	say "installing ${missing[*]} ..."
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
NGINX=$(command -v nginx)

make build/peluit >/dev/null
BIN=$PWD/build/peluit

# --- temp dir and cleanup ----------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/peluit-bench.XXXXXX")
PELUIT_PID=
NGINX_PID=
# shellcheck disable=SC2317 # called from the traps
cleanup() {
	trap - EXIT INT TERM
	for pid in $PELUIT_PID $NGINX_PID; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in $PELUIT_PID $NGINX_PID; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'say; say "interrupted"; cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# --- helpers -----------------------------------------------------------------------------
rss_kib() { awk '$1 == "'"$1"':" { print $2 }' "/proc/$2/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# wrk's latency ("635.91us", "1.20ms", "2.00s") in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
		printf "%.2f", n }'
}

# wrk URL DURATION OUTFILE
run_wrk() {
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency "$1" >"$3" 2>&1 ||
		{ cat "$3" >&2; die "wrk failed on $1"; }
}

# Prints "rps avg_ms p99_ms errors non2xx" from a wrk output file.
parse_wrk() {
	local rps avg p99 errs non2xx
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$1")
	avg=$(to_ms "$(awk '$1 == "Latency" && NF >= 4 { print $2; exit }' "$1")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$1")")
	errs=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$1")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$1")
	echo "${rps:-0} $avg $p99 ${errs:-0} ${non2xx:-0}"
}

# --- Peluit --------------------------------------------------------------------------------
"$BIN" init --data "$TMP/data" >/dev/null
# The request log (stderr) goes to a file: logging is part of the server's real work.
PELUIT_RATE_LIMITS=off "$BIN" serve --data "$TMP/data" --listen 127.0.0.1:0 \
	>"$TMP/peluit.out" 2>"$TMP/peluit.log" </dev/null &
PELUIT_PID=$!
PPORT=
for _ in $(seq 100); do
	PPORT=$(sed -n 's|^Peluit serving on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/peluit.out")
	[ -n "$PPORT" ] && break
	kill -0 "$PELUIT_PID" 2>/dev/null || { cat "$TMP/peluit.log" >&2; die "peluit serve exited"; }
	sleep 0.1
done
[ -n "$PPORT" ] || die "peluit serve did not report its port within 10 s"
[ "$(cat "/proc/$PELUIT_PID/comm")" = peluit ] || die "pid $PELUIT_PID is not peluit"
PBASE=http://127.0.0.1:$PPORT

sleep 2
RSS_IDLE=$(rss_kib VmRSS "$PELUIT_PID")

# --- the same bytes for nginx ----------------------------------------------------------------
mkdir -p "$TMP/www" "$TMP/nginx-tmp"
declare -A FILE=([/]=index.html [/api/v1/meta]=meta.json)
declare -A NGX_LOC
for u in "${URLS[@]}"; do
	f=${FILE[$u]}
	curl -fsS -D "$TMP/$f.hdr" -o "$TMP/www/$f" "$PBASE$u"
	ctype=
	adds=
	while IFS= read -r line; do
		line=${line%$'\r'}
		[[ $line == *:* && $line != HTTP/* ]] || continue
		name=${line%%:*}
		value=${line#*:}
		value=${value# }
		case ${name,,} in
		content-type) ctype=$value ;;
		date | content-length | connection | keep-alive | transfer-encoding | server) ;;
		*)
			if [[ $value == *[\"\$\\]* ]]; then
				say "note: header $name not copied to nginx (quote, \$ or backslash in value)"
			else
				adds+="            add_header $name \"$value\" always;"$'\n'
			fi ;;
		esac
	done <"$TMP/$f.hdr"
	[ -n "$ctype" ] || die "no Content-Type from peluit for $u"
	NGX_LOC[$u]="        location = $u {
            types { }
            default_type \"$ctype\";
            rewrite ^ /$f break;
$adds        }"
done

# nginx's workers drop root privileges to its default user, which must read $TMP/www.
chmod 0755 "$TMP" "$TMP/www"
chmod 0644 "$TMP"/www/*

start_nginx() { # PORT; returns non-zero if nginx did not come up (port taken)
	cat >"$TMP/nginx.conf" <<EOF
daemon off;
worker_processes $(nproc);
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    server_tokens off;
    sendfile on;
    tcp_nopush on;
    etag off;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx-tmp/body;
    proxy_temp_path $TMP/nginx-tmp/proxy;
    fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
    scgi_temp_path $TMP/nginx-tmp/scgi;
    server {
        listen 127.0.0.1:$1;
        root $TMP/www;
${NGX_LOC[/]}
${NGX_LOC[/api/v1/meta]}
        location / { return 404; }
    }
}
EOF
	"$NGINX" -p "$TMP/" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" </dev/null >>"$TMP/nginx.out" 2>&1 &
	NGINX_PID=$!
	for _ in $(seq 50); do
		if curl -fsS -o /dev/null "http://127.0.0.1:$1/api/v1/meta" 2>/dev/null; then return 0; fi
		kill -0 "$NGINX_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "$NGINX_PID" 2>/dev/null || true
	wait "$NGINX_PID" 2>/dev/null || true
	NGINX_PID=
	return 1
}
NPORT=
for _ in $(seq 10); do
	p=$((20000 + RANDOM % 40000))
	ss -Htln 2>/dev/null | awk '{ print $4 }' | grep -q ":$p\$" && continue
	if start_nginx "$p"; then NPORT=$p; break; fi
done
[ -n "$NPORT" ] || { cat "$TMP/nginx-error.log" "$TMP/nginx.out" >&2 2>/dev/null; die "nginx did not start"; }
NBASE=http://127.0.0.1:$NPORT

for u in "${URLS[@]}"; do
	f=${FILE[$u]}
	curl -fsS -D "$TMP/$f.nginx.hdr" -o "$TMP/$f.nginx" "$NBASE$u"
	cmp -s "$TMP/$f.nginx" "$TMP/www/$f" || die "nginx does not serve the same bytes for $u"
done

# --- report header ---------------------------------------------------------------------------
say "Peluit HTTP benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"
say "tools:   $(wrk --version 2>&1 | head -1 | awk '{ print $1, $2 }'), $("$NGINX" -v 2>&1 | sed 's/.*: //')"
say "load:    wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS round(s) per server and URL,"
say "         order alternated (ABBA), after a $WARMUP warm-up each; wrk and both servers share the cores"
say "servers: peluit on :$PPORT (log to a file), nginx on :$NPORT ($(nproc) workers, access_log off)"
for u in "${URLS[@]}"; do
	f=${FILE[$u]}
	say "         $u: body $(stat -c %s "$TMP/www/$f") B; headers peluit $(stat -c %s "$TMP/$f.hdr") B, nginx $(stat -c %s "$TMP/$f.nginx.hdr") B"
done
say

# --- load ------------------------------------------------------------------------------------
for u in "${URLS[@]}"; do
	for base in "$PBASE" "$NBASE"; do run_wrk "$base$u" "$WARMUP" "$TMP/warmup.txt"; done
done

declare -A SUM_RPS SUM_AVG SUM_P99 ERRS NON2XX
n=0
for ((round = 1; round <= ROUNDS; round++)); do
	for u in "${URLS[@]}"; do
		# ABBA: the server that goes first alternates from one run pair to the next.
		if ((n % 2 == 0)); then order=(peluit nginx); else order=(nginx peluit); fi
		n=$((n + 1))
		for s in "${order[@]}"; do
			if [ "$s" = peluit ]; then base=$PBASE; else base=$NBASE; fi
			printf '  round %d  %-14s %-7s ... ' "$round" "$u" "$s"
			run_wrk "$base$u" "$DURATION" "$TMP/wrk.txt"
			read -r rps avg p99 errs non2xx < <(parse_wrk "$TMP/wrk.txt")
			printf '%10.0f req/s  avg %6.2f ms  p99 %6.2f ms\n' "$rps" "$avg" "$p99"
			k="$s $u"
			SUM_RPS[$k]=$(awk -v a="${SUM_RPS[$k]:-0}" -v b="$rps" 'BEGIN { print a + b }')
			SUM_AVG[$k]=$(awk -v a="${SUM_AVG[$k]:-0}" -v b="$avg" 'BEGIN { print a + b }')
			SUM_P99[$k]=$(awk -v a="${SUM_P99[$k]:-0}" -v b="$p99" 'BEGIN { print a + b }')
			ERRS[$k]=$((${ERRS[$k]:-0} + errs))
			NON2XX[$k]=$((${NON2XX[$k]:-0} + non2xx))
		done
	done
done

sleep 2
RSS_AFTER=$(rss_kib VmRSS "$PELUIT_PID")
RSS_PEAK=$(rss_kib VmHWM "$PELUIT_PID")

# --- results ---------------------------------------------------------------------------------
mean() { awk -v s="$1" -v n="$ROUNDS" 'BEGIN { printf "%.2f", s / n }'; }
say
say "Results (mean of $ROUNDS run(s) each; latency avg / p99 in ms)"
printf '%-14s %12s %12s %7s %-6s %-11s %-15s %-15s\n' URL "peluit req/s" "nginx req/s" ratio goal status \
	"peluit avg/p99" "nginx avg/p99"
for u in "${URLS[@]}"; do
	pr=$(mean "${SUM_RPS[peluit $u]}")
	nr=$(mean "${SUM_RPS[nginx $u]}")
	ratio=$(awk -v p="$pr" -v q="$nr" 'BEGIN { printf "%.2f", (q > 0 ? p / q : 0) }')
	status=$(awk -v r="$ratio" -v g="$RATIO_GOAL" 'BEGIN { print (r >= g ? "ok" : "below goal") }')
	printf '%-14s %12.0f %12.0f %7s %-6s %-11s %-15s %-15s\n' "$u" "$pr" "$nr" "$ratio" ">=$RATIO_GOAL" \
		"$status" "$(mean "${SUM_AVG[peluit $u]}")/$(mean "${SUM_P99[peluit $u]}")" \
		"$(mean "${SUM_AVG[nginx $u]}")/$(mean "${SUM_P99[nginx $u]}")"
done
for u in "${URLS[@]}"; do
	for s in peluit nginx; do
		k="$s $u"
		if ((${ERRS[$k]} + ${NON2XX[$k]})); then
			say "warning: $s $u: ${ERRS[$k]} socket errors, ${NON2XX[$k]} non-2xx responses"
		fi
	done
done
say
rss_status=$(awk -v k="$RSS_IDLE" -v g="$RSS_GOAL_MIB" 'BEGIN { print (k / 1024 < g ? "ok" : "below goal") }')
say "peluit RSS idle (startup + 2 s):   $(mib "$RSS_IDLE") MiB   goal < $RSS_GOAL_MIB MiB   $rss_status"
say "peluit RSS after load (+ 2 s):     $(mib "$RSS_AFTER") MiB   (peak VmHWM $(mib "$RSS_PEAK") MiB)"
say "peluit request log: $(wc -l <"$TMP/peluit.log") lines, $(mib $(($(stat -c %s "$TMP/peluit.log") / 1024))) MiB written"
exit 0
