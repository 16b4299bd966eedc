/* filter_run.h: the checks every libFuzzer target of the metadata-removal filters (media/filter.h) makes, which are written here because no Debian library removes metadata losslessly in a stream; included by each fuzz/NAME_fuzz.c. */
/*
 * fuzz_filter(t, seed, file, n, growth): the file is filtered whole, then again in pieces of
 * random sizes (each a private copy of exactly its size, freed after the call, so
 * AddressSanitizer catches any read past a piece or any pointer kept into one); both must
 * give the same output, removed bits and verdict. The output may exceed the input by at most
 * `growth` bytes; a cleaned output filtered again must come back unchanged with nothing
 * removed; and an emit that fails part way must stop the filter with -1.
 */
#ifndef PELUIT_FILTER_RUN_H
#define PELUIT_FILTER_RUN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/filter.h"

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

static int fuzz_filter(enum media_type t, uint8_t seed_byte, const uint8_t *file, size_t n,
                       size_t growth)
{
	uint32_t seed = 0x9E3779B9u ^ (uint32_t)seed_byte * 0x01000193u;

	struct run whole = run(t, file, n, seed, 0, SIZE_MAX);
	if (whole.rc != 0 || (whole.out.n > n && whole.out.n - n > growth))
		abort();

	struct run split = run(t, file, n, seed, 1 + seed_byte % 64, SIZE_MAX);
	if (split.rc != 0 || !same(&split.out, &whole.out) || split.removed != whole.removed ||
	    split.cleaned != whole.cleaned)
		abort();
	free(split.out.p);

	if (whole.out.n) { /* an emit failing part way */
		struct run fail = run(t, file, n, seed, 1 + seed_byte % 7, next(&seed) % whole.out.n);
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

#endif
