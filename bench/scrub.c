/* scrub.c: runs one metadata-removal filter (media/filter.h) over a file, for bench/scrub.sh and by hand: prints the time taken, the verdict and what was removed; with -o, writes the output. */
/*
 *   build/bench/scrub TYPE FILE [-o OUT]    TYPE: jpeg png webp gif mp4 heic mp3 ogg wav pdf
 *                                           docx odt, or "copy" (no filter: the baseline)
 * The file is read in 64 KiB pieces, as evidence.c gets them, and the output is copied into a
 * 64 KiB chunk buffer, as evidence.c does before encrypting (and written to OUT with -o).
 * Prints: TYPE bytes_in bytes_out seconds cleaned removed-names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "media/filter.h"

/* Like evidence.c's append: every byte is copied into a 64 KiB chunk buffer (here reused, as
 * if each full chunk were encrypted and stored at once). */
struct sink {
	FILE *out;
	unsigned long long n;
	size_t used;
	unsigned char chunk[65536];
};

static int put(void *arg, const unsigned char *p, size_t n)
{
	struct sink *s = arg;
	s->n += n;
	if (s->out && fwrite(p, 1, n, s->out) != n)
		return -1;
	while (n) {
		size_t k = sizeof s->chunk - s->used < n ? sizeof s->chunk - s->used : n;
		memcpy(s->chunk + s->used, p, k);
		s->used = (s->used + k) % sizeof s->chunk;
		p += k;
		n -= k;
	}
	return 0;
}

static enum media_type type_of(const char *name)
{
	for (int t = MT_UNKNOWN + 1; t < MT_COUNT; t++)
		if (strcmp(name, media_extension((enum media_type)t)) == 0)
			return (enum media_type)t;
	return MT_UNKNOWN;
}

int main(int argc, char **argv)
{
	if (argc != 3 && !(argc == 5 && strcmp(argv[3], "-o") == 0)) {
		fprintf(stderr, "usage: %s TYPE FILE [-o OUT]\n", argv[0]);
		return 2;
	}
	bool copy = strcmp(argv[1], "copy") == 0;
	enum media_type t = copy ? MT_UNKNOWN : type_of(argv[1]);
	FILE *in = fopen(argv[2], "rb");
	static struct sink s;
	s.out = argc == 5 ? fopen(argv[4], "wb") : NULL;
	struct media_filter *f = copy ? NULL : media_filter_new(t);
	if (!in || (argc == 5 && !s.out) || (!copy && !f)) {
		fprintf(stderr, "scrub: cannot open %s, or no filter for %s\n", argv[2], argv[1]);
		return 1;
	}
	static unsigned char piece[65536];
	unsigned long long total = 0;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = fread(piece, 1, sizeof piece, in)) > 0) {
		total += n;
		rc = copy ? put(&s, piece, n) : media_filter_feed(f, piece, n, put, &s);
	}
	if (rc == 0 && !copy)
		rc = media_filter_finish(f, put, &s);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	const char *names[9] = {NULL};
	if (f)
		media_removed_names(media_filter_removed(f), names);
	printf("%s %llu %llu %.4f %s", argv[1], total, s.n, secs,
	       copy ? "-" : media_filter_cleaned(f) ? "cleaned" : "not-cleaned");
	for (int i = 0; names[i]; i++)
		printf("%s%s", i ? "," : " ", names[i]);
	printf("\n");
	media_filter_free(f);
	fclose(in);
	if (s.out && fclose(s.out) != 0)
		rc = -1;
	return rc == 0 ? 0 : 1;
}
