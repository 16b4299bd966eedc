#!/bin/bash
# scrub.sh: throughput of the metadata-removal filters (src/media/filter.h) over large files,
# beside a plain copy of the same bytes in the same run. Not a test: it always exits 0 and
# prints "below goal" where a filter is slower than half the copy.
#
#   bench/scrub.sh                 256 MiB files, 9 rounds
#   SIZE_MIB=64 ROUNDS=5 bench/scrub.sh
#
# Each file is synthetic, with metadata where the filter meets it: a baseline JPEG with a
# comment (bench/mkjpeg.c), tests/data/evidence.mp4 followed by a large mdat, an MP3 between
# the ID3v2 and the end tags of tests/data/evidence.mp3, a WAV with LIST/INFO and a large data
# chunk, and a PDF with an Info dictionary, XMP and a large stream. build/bench/scrub reads a
# file in 64 KiB pieces, as uploads arrive, and copies the output into a 64 KiB chunk buffer,
# as evidence.c does before encrypting; "copy" does the same with no filter. The best of ROUNDS runs counts (the files are in the page
# cache after the first).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${SIZE_MIB:-256}
ROUNDS=${ROUNDS:-9}
make --no-print-directory build/bench/scrub >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/mkjpeg" bench/mkjpeg.c
bytes=$((SIZE_MIB * 1024 * 1024))

"$tmp/mkjpeg" "$bytes" "$tmp/big.jpg"
python3 - "$tmp" "$bytes" <<'PY'
import os, struct, sys
d, n = sys.argv[1], int(sys.argv[2])
def rand_to(f, count):
    while count > 0:
        k = min(count, 1 << 20)
        f.write(os.urandom(k))
        count -= k
mp4 = open("tests/data/evidence.mp4", "rb").read()
with open(d + "/big.mp4", "wb") as f:
    f.write(mp4)
    f.write(struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", n + 16))
    rand_to(f, n)
mp3 = open("tests/data/evidence.mp3", "rb").read()
tag = 10 + ((mp3[6] & 0x7F) << 21 | (mp3[7] & 0x7F) << 14 | (mp3[8] & 0x7F) << 7 | (mp3[9] & 0x7F))
with open(d + "/big.mp3", "wb") as f:
    f.write(mp3[:tag])
    rand_to(f, n)
    f.write(mp3[tag:])
info = b"INFO" + b"IART" + struct.pack("<I", 16) + b"PlantedArtistZq\0"
with open(d + "/big.wav", "wb") as f:
    body = 4 + 8 + 16 + 8 + len(info) + 8 + n
    f.write(b"RIFF" + struct.pack("<I", body) + b"WAVE")
    f.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, 48000, 192000, 4, 16))
    f.write(b"LIST" + struct.pack("<I", len(info)) + info)
    f.write(b"data" + struct.pack("<I", n))
    rand_to(f, n)
with open(d + "/big.pdf", "wb") as f:
    f.write(b"%%PDF-1.4\n1 0 obj\n<< /Author (PlantedArtistZq) /Producer (x) >>\nendobj\n"
            b"2 0 obj\n<< /Type /Metadata /Subtype /XML /Length 20 >>\nstream\n<x>PlantedXmp</x>\n"
            b"\nendstream\nendobj\n3 0 obj\n<< /Length %d >>\nstream\n" % n)
    rand_to(f, n)
    f.write(b"\nendstream\nendobj\ntrailer\n<< /Info 1 0 R >>\n%%EOF\n")
PY

# secs TYPE FILE: seconds of one run; the verdict goes to $tmp/verdict
secs() {
	local line
	line=$(build/bench/scrub "$1" "$2")
	echo "$line" | cut -d' ' -f5- >"$tmp/verdict"
	echo "$line" | awk '{print $4}'
}
min() { awk -v a="$1" -v b="$2" 'BEGIN{print (b == "" || a < b) ? a : b}'; }

printf '%-6s %10s %10s %8s %6s  %s\n' type "copy MB/s" "filter MB/s" ratio goal verdict
for t in jpg mp4 mp3 wav pdf; do
	f="$tmp/big.$t"
	mb=$(stat -c %s "$f" | awk '{print $1 / 1e6}')
	cs="" fs=""
	for _ in $(seq "$ROUNDS"); do # copy and filter in turn, so both meet the same moments
		cs=$(min "$(secs copy "$f")" "$cs")
		fs=$(min "$(secs "$t" "$f")" "$fs")
	done
	awk -v t="$t" -v mb="$mb" -v cs="$cs" -v fs="$fs" -v v="$(cat "$tmp/verdict")" 'BEGIN {
		c = mb / cs; r = mb / fs; q = r / c
		printf "%-6s %10.0f %10.0f %8.2f %6s  %s%s\n", t, c, r, q, "0.5", v, q < 0.5 ? " below goal" : ""
	}'
done
