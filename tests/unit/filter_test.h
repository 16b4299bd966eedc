/* filter_test.h: what the tests of the metadata-removal filters (media/filter.h), written here because no Debian library removes metadata losslessly in a stream, share: byte buffers, running a filter in pieces of every size, and the checks on its output. Included by tests/unit/test_filter*.c after <cmocka.h>. */
#ifndef PELUIT_FILTER_TEST_H
#define PELUIT_FILTER_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "media/filter.h"

/* ---- byte buffers ---- */

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static inline void b_put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static inline void b_u8(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	b_put(b, &c, 1);
}

static inline void b_be16(struct buf *b, unsigned v)
{
	b_u8(b, v >> 8);
	b_u8(b, v);
}

static inline void b_be32(struct buf *b, uint32_t v)
{
	b_be16(b, v >> 16);
	b_be16(b, v & 0xFFFF);
}

static inline void b_le32(struct buf *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b_u8(b, (v >> (8 * i)) & 0xFF);
}

static inline void b_str(struct buf *b, const char *s)
{
	b_put(b, s, strlen(s));
}

/* Appends to both the input and the expected output. */
static inline void both(struct buf *in, struct buf *exp, const void *p, size_t n)
{
	b_put(in, p, n);
	b_put(exp, p, n);
}

static inline void b_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

static inline bool contains(const struct buf *b, const void *needle, size_t n)
{
	return n <= b->n && memmem(b->p, b->n, needle, n) != NULL;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static inline uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* ---- running a filter ---- */

static inline int to_buf(void *arg, const unsigned char *p, size_t n)
{
	assert_true(n > 0); /* no empty emits */
	b_put(arg, p, n);
	return 0;
}

struct result {
	struct buf out;
	unsigned removed;
	bool cleaned;
};

/* Filters `in` fed in pieces: max_piece 0 = all at once, 1 = byte by byte, else random
 * sizes 1..max_piece. Each piece is a private copy, freed after the call, so that a filter
 * keeping a pointer into a piece would be caught. */
static inline struct result filter(enum media_type t, const unsigned char *in, size_t n, size_t max_piece)
{
	struct result r = {0};
	struct media_filter *f = media_filter_new(t);
	assert_non_null(f);
	size_t i = 0;
	while (i < n) {
		size_t k = n - i;
		if (max_piece == 1)
			k = 1;
		else if (max_piece > 1 && k > 1)
			k = 1 + (size_t)(rnd() % (k < max_piece ? k : max_piece));
		unsigned char *piece = malloc(k);
		assert_non_null(piece);
		memcpy(piece, in + i, k);
		assert_int_equal(media_filter_feed(f, piece, k, to_buf, &r.out), 0);
		free(piece);
		i += k;
		if (rnd() % 7 == 0) /* empty pieces too */
			assert_int_equal(media_filter_feed(f, in + i, 0, to_buf, &r.out), 0);
	}
	assert_int_equal(media_filter_finish(f, to_buf, &r.out), 0);
	r.removed = media_filter_removed(f);
	r.cleaned = media_filter_cleaned(f);
	media_filter_free(f);
	return r;
}

/* Filters in many splittings, checks they all agree, returns the whole-input result. */
static inline struct result filter_all(enum media_type t, const struct buf *in)
{
	struct result whole = filter(t, in->p, in->n, 0);
	static const size_t pieces[] = {1, 2, 3, 5, 7, 16, 64, 1000};
	for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
		for (int rep = 0; rep < (pieces[i] == 1 ? 1 : 4); rep++) {
			struct result r = filter(t, in->p, in->n, pieces[i]);
			if (r.out.n != whole.out.n || (r.out.n && memcmp(r.out.p, whole.out.p, r.out.n)))
				fail_msg("type %d: pieces of up to %zu give a different output", (int)t,
				         pieces[i]);
			assert_int_equal(r.removed, whole.removed);
			assert_int_equal(r.cleaned, whole.cleaned);
			b_free(&r.out);
		}
	}
	return whole;
}

static inline void assert_same(const struct buf *got, const struct buf *want)
{
	if (got->n != want->n)
		fail_msg("output of %zu bytes, expected %zu", got->n, want->n);
	for (size_t i = 0; i < got->n; i++)
		if (got->p[i] != want->p[i])
			fail_msg("output differs at byte %zu: %02x, expected %02x", i, got->p[i],
			         want->p[i]);
}

/* Filtering a cleaned output again changes nothing and finds nothing. */
static inline void assert_idempotent(enum media_type t, const struct buf *out)
{
	struct result again = filter(t, out->p, out->n, 0);
	assert_true(again.cleaned);
	assert_int_equal(again.removed, 0);
	assert_same(&again.out, out);
	b_free(&again.out);
}

static const char *const PLANTED[] = {
	"PlantedMake", "PlantedModel", "PLANTSERIAL", "PlantedLens", "PlantedOwner",
	"PlantedArtist", "PlantedCopyright", "2019:07:14", "PlantedXMP", "PlantedIPTC",
	"PlantedComment", "PlantedOther", "PlantedSoftware", "PlantedTrailer", "52.3702",
};

static inline void assert_no_planted(const struct buf *out)
{
	for (size_t i = 0; i < sizeof PLANTED / sizeof PLANTED[0]; i++)
		if (contains(out, PLANTED[i], strlen(PLANTED[i])))
			fail_msg("planted \"%s\" left in the output", PLANTED[i]);
}

/* Every prefix of the input (an upload cut short) is filtered safely, leaks nothing planted,
 * and is not cleaned unless it reaches the proper end (`end` bytes). */
static inline void check_prefixes(enum media_type t, const struct buf *in, size_t end)
{
	for (size_t n = 0; n < in->n; n++) {
		struct result r = filter(t, in->p, n, n % 5 ? 3 : 0);
		assert_no_planted(&r.out);
		if (n < end)
			assert_false(r.cleaned);
		b_free(&r.out);
	}
}

/* ---- 50 MB through each filter, in bounded memory ---- */

struct hashsink {
	uint64_t h;
	uint64_t n;
};

static inline void hash_in(struct hashsink *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s->h = (s->h ^ p[i]) * 0x100000001B3u;
	s->n += n;
}

static inline int to_hash(void *arg, const unsigned char *p, size_t n)
{
	hash_in(arg, p, n);
	return 0;
}

static inline long max_rss_kib(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return u.ru_maxrss;
}

enum { BIG = 50 * 1024 * 1024, PIECE = 65536 };

/* Streams `head`, then BIG bytes from `gen` (called for each piece), then `tail` through a
 * filter; the output must hash as exp_head + the same data + tail. */
static inline void stream_big(enum media_type t, const struct buf *head, const struct buf *exp_head,
                       size_t (*gen)(unsigned char *p, size_t n, uint64_t *st),
                       const struct buf *tail)
{
	long before = max_rss_kib();
	struct media_filter *f = media_filter_new(t);
	struct hashsink got = {0xCBF29CE484222325u, 0}, want = got;
	hash_in(&want, exp_head->p, exp_head->n);
	assert_int_equal(media_filter_feed(f, head->p, head->n, to_hash, &got), 0);
	static unsigned char piece[PIECE + 16];
	uint64_t st = 1;
	for (size_t done = 0; done < BIG;) {
		size_t n = gen(piece, PIECE, &st);
		/* odd piece sizes: the piece is fed in two parts */
		size_t cut = (size_t)(rnd() % (n + 1));
		assert_int_equal(media_filter_feed(f, piece, cut, to_hash, &got), 0);
		assert_int_equal(media_filter_feed(f, piece + cut, n - cut, to_hash, &got), 0);
		hash_in(&want, piece, n);
		done += n;
	}
	assert_int_equal(media_filter_feed(f, tail->p, tail->n, to_hash, &got), 0);
	assert_int_equal(media_filter_finish(f, to_hash, &got), 0);
	hash_in(&want, tail->p, tail->n);
	assert_true(media_filter_cleaned(f));
	media_filter_free(f);
	assert_int_equal(got.n, want.n);
	assert_true(got.h == want.h);
	long grew = max_rss_kib() - before;
	if (grew > 8 * 1024)
		fail_msg("memory grew by %ld KiB while 50 MB passed", grew);
}

static inline size_t gen_raw(unsigned char *p, size_t n, uint64_t *st)
{
	for (size_t i = 0; i < n; i++) {
		*st = *st * 6364136223846793005u + 1442695040888963407u;
		p[i] = (unsigned char)(*st >> 56);
	}
	return n;
}

#endif
