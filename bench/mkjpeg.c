/* mkjpeg.c: writes a structurally valid baseline JPEG of exactly BYTES bytes for
 * bench/intake.sh, so that the server's metadata-removal filter walks a real marker
 * structure and scans real entropy-coded data (it does not decode pictures):
 *
 *     SOI, APP0 "JFIF", COM (metadata the filter drops), DQT, SOF0 (8192 × 8192, 3 components),
 *     DHT, SOS, random entropy-coded data with every 0xFF byte-stuffed as FF 00, EOI.
 *
 * The random bytes come from getrandom(2).
 *
 * Usage: mkjpeg BYTES OUTFILE
 * Build: cc -O2 -o mkjpeg mkjpeg.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static const unsigned char head[] = {
	0xFF, 0xD8,                                                       /* SOI */
	0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01,     /* APP0 JFIF 1.01 */
	0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0xFF, 0xFE, 0x00, 0x12, 'p', 'e', 'l', 'u', 'i', 't', ' ', 'b',   /* COM, 16 bytes */
	'e', 'n', 'c', 'h', 'm', 'a', 'r', 'k',
};

static const unsigned char sof_dht_sos[] = {
	/* SOF0: 8 bits, 8192 × 8192, Y 2×2 table 0, Cb and Cr 1×1 table 1 */
	0xFF, 0xC0, 0x00, 0x11, 0x08, 0x20, 0x00, 0x20, 0x00, 0x03,
	0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
	/* DHT: DC table 0 with one code of length 1 for symbol 0 */
	0xFF, 0xC4, 0x00, 0x14, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* SOS: 3 components, full spectral range */
	0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00,
};

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s BYTES OUTFILE\n", argv[0]);
		return 2;
	}
	long long total = atoll(argv[1]);
	unsigned char dqt[4 + 1 + 64] = { 0xFF, 0xDB, 0x00, 0x43, 0x00 };
	for (int i = 0; i < 64; i++)
		dqt[5 + i] = (unsigned char)(1 + i / 4);
	long long fixed = (long long)(sizeof head + sizeof dqt + sizeof sof_dht_sos) + 2;
	if (total < fixed + 16) {
		fprintf(stderr, "mkjpeg: at least %lld bytes\n", fixed + 16);
		return 2;
	}
	FILE *f = fopen(argv[2], "wb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(f, obuf, _IOFBF, sizeof obuf);
	fwrite(head, 1, sizeof head, f);
	fwrite(dqt, 1, sizeof dqt, f);
	fwrite(sof_dht_sos, 1, sizeof sof_dht_sos, f);
	long long left = total - fixed; /* entropy-coded bytes still to write */
	static unsigned char rnd[1 << 20];
	while (left > 0) {
		ssize_t got = getrandom(rnd, sizeof rnd, 0);
		if (got <= 0) {
			perror("getrandom");
			return 1;
		}
		for (ssize_t i = 0; i < got && left > 0; i++) {
			unsigned char b = rnd[i];
			if (b == 0xFF && left < 2)
				b = 0xFE; /* no room for the stuffed 00 */
			putc(b, f);
			left--;
			if (b == 0xFF) {
				putc(0x00, f);
				left--;
			}
		}
	}
	putc(0xFF, f); /* EOI */
	putc(0xD9, f);
	if (fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
