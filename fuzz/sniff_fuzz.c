/* sniff_fuzz.c: libFuzzer target for media_sniff (media/sniff.h). The input is sniffed from a
 * private copy of exactly its size, both as a whole file and as the incomplete first part of
 * a larger one, so AddressSanitizer catches any read past n; the result must be a valid type
 * with a MIME string, and must not change when bytes past SNIFF_BYTES are dropped.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/sniff_fuzz.c src/media/sniff.c \
 *     -o /tmp/sniff_fuzz && /tmp/sniff_fuzz -max_total_time=60 fuzz/corpus/sniff/
 * Seeds for every accepted type are in fuzz/corpus/sniff/ (a few hundred bytes each). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(enum media_type t)
{
	if ((int)t < (int)MT_UNKNOWN || (int)t >= MT_COUNT)
		abort();
	if ((t == MT_UNKNOWN) != (media_mime(t) == NULL) ||
	    (t == MT_UNKNOWN) != (media_extension(t) == NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	if (size)
		memcpy(copy, data, size);
	enum media_type whole = media_sniff(copy, size, true);
	enum media_type part = media_sniff(copy, size, false);
	check(whole);
	check(part);
	/* nothing past the first SNIFF_BYTES may matter (run with -max_len=10000 to try it) */
	if (size > SNIFF_BYTES && (whole != part || media_sniff(copy, SNIFF_BYTES, false) != part))
		abort();
	free(copy);
	return 0;
}
