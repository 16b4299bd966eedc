/* filter_fuzz.c: libFuzzer target for the metadata-removal filters (media/filter.h), which are written here because no Debian library removes metadata losslessly in a stream; this fuzzes them. */
/*
 * Input: byte 0 picks the filter (& 3: JPEG, PNG, WebP, GIF), byte 1 seeds the piece sizes,
 * the rest is the file. The file is filtered whole, then again in pieces of random sizes
 * (each a private copy of exactly its size, freed after the call, so AddressSanitizer
 * catches any read past a piece or any pointer kept into one); both must give the same
 * output, removed bits and verdict. The output may only exceed the input by one added
 * orientation block; a cleaned output filtered again must come back unchanged with nothing
 * removed; and an emit that fails part way must stop the filter with -1.
 *   clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Isrc fuzz/filter_fuzz.c src/media/[a-z]*.c -o /tmp/filter_fuzz
 *   /tmp/filter_fuzz -max_total_time=240 fuzz/corpus/filter/
 * Seeds in fuzz/corpus/filter/: pictures with metadata, from scripts/make-test-media and
 * built like those of tests/unit/test_filter.c, each after its two leading bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct out {
	unsigned char *p;
	size_t n, cap;
	size_t fail_at; /* fail a call that would pass this many bytes in all (SIZE_MAX: never) */
};

static int collect(void *arg, const unsigned char *p, size_t n)
{
	struct out *o = arg;
	if (n == 0)
		abort(); /* no empty emits */
	if (o->fail_at != SIZE_MAX && n > o->fail_at - o->n)
		return -1;
	if (o->n + n > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4096;
		while (cap < o->n + n)
			cap *= 2;
		unsigned char *q = realloc(o->p, cap);
		if (q == NULL)
			abort();
		o->p = q;
		o->cap = cap;
	}
	memcpy(o->p + o->n, p, n);
	o->n += n;
	return 0;
}

struct run {
	struct out out;
	unsigned removed;
	bool cleaned;
	int rc;
};

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* max_piece 0: whole input in one call. */
static struct run run(enum media_type t, const uint8_t *p, size_t n, uint32_t seed,
                      size_t max_piece, size_t fail_at)
{
	struct run r = {{NULL, 0, 0, fail_at}, 0, false, 0};
	struct media_filter *f = media_filter_new(t);
	if (f == NULL)
		abort();
	size_t i = 0;
	while (i < n && r.rc == 0) {
		size_t k = n - i;
		if (max_piece)
			k = 1 + next(&seed) % (k < max_piece ? k : max_piece);
		unsigned char *piece = malloc(k);
		if (piece == NULL)
			abort();
		memcpy(piece, p + i, k);
		r.rc = media_filter_feed(f, piece, k, collect, &r.out);
		free(piece);
		i += k;
	}
	if (r.rc == 0)
		r.rc = media_filter_finish(f, collect, &r.out);
	r.removed = media_filter_removed(f);
	r.cleaned = media_filter_cleaned(f);
	if (r.rc != 0 && (r.cleaned || media_filter_feed(f, p, n, collect, &r.out) != -1 ||
	                  media_filter_finish(f, collect, &r.out) != -1))
		abort(); /* a stopped filter stays stopped */
	media_filter_free(f);
	return r;
}

static bool same(const struct out *a, const struct out *b)
{
	return a->n == b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum media_type types[4] = {MT_JPEG, MT_PNG, MT_WEBP, MT_GIF};
	if (size < 2)
		return 0;
	enum media_type t = types[data[0] & 3];
	uint32_t seed = 0x9E3779B9u ^ (uint32_t)data[1] * 0x01000193u;
	const uint8_t *file = data + 2;
	size_t n = size - 2;

	struct run whole = run(t, file, n, seed, 0, SIZE_MAX);
	if (whole.rc != 0 || whole.out.n > n + 64)
		abort();

	struct run split = run(t, file, n, seed, 1 + data[1] % 64, SIZE_MAX);
	if (split.rc != 0 || !same(&split.out, &whole.out) || split.removed != whole.removed ||
	    split.cleaned != whole.cleaned)
		abort();
	free(split.out.p);

	if (whole.out.n) { /* an emit failing part way */
		struct run fail = run(t, file, n, seed, 1 + data[1] % 7, next(&seed) % whole.out.n);
		if (fail.rc != -1)
			abort();
		free(fail.out.p);
	}

	if (whole.cleaned) { /* nothing left to remove */
		struct run again = run(t, whole.out.p, whole.out.n, seed, 0, SIZE_MAX);
		if (again.rc != 0 || !again.cleaned || again.removed != 0 ||
		    !same(&again.out, &whole.out))
			abort();
		free(again.out.p);
	}
	free(whole.out.p);
	return 0;
}
