/* mp3.c: MP3 metadata-removal filter (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/mp3_fuzz.c). */
/*
 * An MP3 file is a run of frames with no offsets into itself, so tags can simply be dropped.
 *
 *   start  ID3v2 tags (one after another) are dropped. Their frames are walked to tell what
 *          they held (TPE1… author, TDRC/TYER… timestamps, TSSE/TENC device, COMM/TIT2…
 *          comments, the rest other); a tag whose frames cannot be walked (unsynchronised
 *          v2.2/2.3, an extended header) is dropped as MR_OTHER.
 *   end    the last MF_BUF bytes are held back in a ring (in buf): at the end, ID3v1 (and
 *          the TAG+ block before it), APEv2 (with or without its header) and ID3v2 tags
 *          with a footer are stripped from the tail, in any order. A tag that begins before
 *          the held bytes cannot be removed: the file is then not cleaned.
 * Everything else (the frames, a Xing/LAME header, unknown bytes) passes byte for byte.
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <string.h>
#include <strings.h>

enum { M_START, M_TAG, M_FRAME };

static uint32_t syncsafe(const unsigned char *p)
{
	return (uint32_t)(p[0] & 0x7F) << 21 | (uint32_t)(p[1] & 0x7F) << 14 |
	       (uint32_t)(p[2] & 0x7F) << 7 | (p[3] & 0x7F);
}

static bool is_syncsafe(const unsigned char *p)
{
	return ((p[0] | p[1] | p[2] | p[3]) & 0x80) == 0;
}

/* What an ID3v2 frame holds, from its id (3 characters for v2.2, else 4). */
static unsigned frame_class(const unsigned char *id, unsigned version)
{
	static const struct {
		char id[5];
		unsigned bits;
	} ids[] = {
		{"TPE1", MR_AUTHOR},     {"TPE2", MR_AUTHOR},     {"TPE3", MR_AUTHOR},
		{"TPE4", MR_AUTHOR},     {"TCOM", MR_AUTHOR},     {"TEXT", MR_AUTHOR},
		{"TOLY", MR_AUTHOR},     {"TOPE", MR_AUTHOR},     {"TCOP", MR_AUTHOR},
		{"TOWN", MR_AUTHOR},     {"TDRC", MR_TIMESTAMPS}, {"TYER", MR_TIMESTAMPS},
		{"TDAT", MR_TIMESTAMPS}, {"TIME", MR_TIMESTAMPS}, {"TDEN", MR_TIMESTAMPS},
		{"TDRL", MR_TIMESTAMPS}, {"TDTG", MR_TIMESTAMPS}, {"TORY", MR_TIMESTAMPS},
		{"TDOR", MR_TIMESTAMPS}, {"TSSE", MR_DEVICE},     {"TENC", MR_DEVICE},
		{"COMM", MR_COMMENTS},   {"TIT1", MR_COMMENTS},   {"TIT2", MR_COMMENTS},
		{"TIT3", MR_COMMENTS},   {"USLT", MR_COMMENTS},   {"TALB", MR_COMMENTS},
		/* v2.2 */
		{"TP1", MR_AUTHOR},      {"TP2", MR_AUTHOR},      {"TCM", MR_AUTHOR},
		{"TXT", MR_AUTHOR},      {"TYE", MR_TIMESTAMPS},  {"TDA", MR_TIMESTAMPS},
		{"TIM", MR_TIMESTAMPS},  {"TSS", MR_DEVICE},      {"TEN", MR_DEVICE},
		{"COM", MR_COMMENTS},    {"TT2", MR_COMMENTS},    {"TAL", MR_COMMENTS},
	};
	size_t len = version == 2 ? 3 : 4;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (strlen(ids[i].id) == len && memcmp(id, ids[i].id, len) == 0)
			return ids[i].bits;
	return MR_OTHER;
}

/* After the leading tags: everything through the held-back ring. */
static void to_audio(struct media_filter *f)
{
	f->hold_meta = false;
	f->u.mp3.head = f->u.mp3.len = 0;
	mf_scan(f);
}

/* Drops the rest of the current tag, then looks for another. */
static void drop_rest(struct media_filter *f)
{
	mf_run(f, f->u.mp3.tag_left, MF_DROP);
	f->u.mp3.tag_left = 0;
	f->state = M_START;
	mf_collect(f, 0);
}

static void next_frame(struct media_filter *f)
{
	size_t hdr = f->u.mp3.version == 2 ? 6 : 10;
	if (f->u.mp3.tag_left < hdr) {
		drop_rest(f);
		return;
	}
	f->state = M_FRAME;
	f->hold_meta = true;
	mf_collect(f, hdr);
}

static void step(struct media_filter *f)
{
	unsigned char *b = f->buf;
	switch (f->state) {
	case M_START: /* at the start, or after a tag: 10 bytes, another tag or the audio */
		f->hold_meta = false;
		f->state = M_TAG;
		mf_collect(f, 10);
		f->may_end = true;
		return;

	case M_TAG: {
		if (memcmp(b, "ID3", 3) != 0 || b[3] < 2 || b[3] > 4 || b[4] == 0xFF ||
		    !is_syncsafe(b + 6)) {
			unsigned char held[10];
			memcpy(held, b, 10);
			to_audio(f);
			f->scan(f, held, 10); /* the first bytes of the audio, into the ring */
			return;
		}
		unsigned flags = b[5];
		f->u.mp3.version = b[3];
		f->u.mp3.tag_left = (uint64_t)syncsafe(b + 6) + ((flags & 0x10) ? 10 : 0);
		if ((flags & 0x40) || ((flags & 0x80) && b[3] < 4)) {
			f->removed |= MR_OTHER;
			drop_rest(f);
			return;
		}
		next_frame(f);
		return;
	}

	case M_FRAME: {
		unsigned v = f->u.mp3.version;
		size_t hdr = v == 2 ? 6 : 10;
		f->u.mp3.tag_left -= hdr;
		if (b[0] == 0) { /* padding */
			drop_rest(f);
			return;
		}
		uint64_t size = v == 2 ? (uint64_t)(b[3] << 16 | b[4] << 8 | b[5])
		                : v == 4 ? syncsafe(b + 4) : mf_be32(b + 4);
		f->removed |= frame_class(b, v);
		if (size > f->u.mp3.tag_left) {
			drop_rest(f);
			return;
		}
		f->u.mp3.tag_left -= size;
		if (f->u.mp3.tag_left < hdr) { /* one run: a second would replace the first */
			size += f->u.mp3.tag_left;
			f->u.mp3.tag_left = 0;
		}
		mf_run(f, size, MF_DROP);
		if (f->u.mp3.tag_left) {
			f->state = M_FRAME;
			f->hold_meta = true;
			mf_collect(f, hdr);
		} else {
			f->state = M_START;
			mf_collect(f, 0);
		}
		return;
	}
	}
	mf_raw(f);
}

/* ---- the held-back tail ---- */

/* Emits the k oldest held bytes. */
static void ring_out(struct media_filter *f, size_t k)
{
	size_t head = f->u.mp3.head, first = MF_BUF - head < k ? MF_BUF - head : k;
	mf_emit(f, f->buf + head, first);
	mf_emit(f, f->buf, k - first);
	f->u.mp3.head = (head + k) % MF_BUF;
	f->u.mp3.len -= k;
}

static void ring_in(struct media_filter *f, const unsigned char *p, size_t n)
{
	size_t at = (f->u.mp3.head + f->u.mp3.len) % MF_BUF;
	size_t first = MF_BUF - at < n ? MF_BUF - at : n;
	memcpy(f->buf + at, p, first);
	memcpy(f->buf, p + first, n - first);
	f->u.mp3.len += n;
}

static void reverse(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		unsigned char c = p[i];
		p[i] = p[n - 1 - i];
		p[n - 1 - i] = c;
	}
}

/* Bits of an ID3v1 field that is not blank. */
static unsigned v1_field(const unsigned char *p, size_t n, unsigned bits)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0 && p[i] != ' ')
			return bits;
	return 0;
}

/* APEv2 items: size(4) flags(4) key NUL value. */
static unsigned ape_items(const unsigned char *p, size_t n)
{
	unsigned bits = 0;
	size_t i = 0;
	while (n - i >= 9) {
		uint32_t vlen = mf_le32(p + i);
		const unsigned char *key = p + i + 8;
		const unsigned char *nul = memchr(key, 0, n - i - 8);
		if (nul == NULL)
			return bits | MR_OTHER;
		size_t klen = (size_t)(nul - key);
		if (klen == 6 && strncasecmp((const char *)key, "Artist", 6) == 0)
			bits |= MR_AUTHOR;
		else if (klen == 4 && strncasecmp((const char *)key, "Year", 4) == 0)
			bits |= MR_TIMESTAMPS;
		else if (klen == 7 && strncasecmp((const char *)key, "Comment", 7) == 0)
			bits |= MR_COMMENTS;
		else
			bits |= MR_OTHER;
		size_t after = (size_t)(nul - p) + 1;
		if (vlen > n - after)
			return bits;
		i = after + vlen;
	}
	return bits;
}

/* Strips trailing tags from p[0..*n); false when one begins before p. */
static bool strip_tail(struct media_filter *f, const unsigned char *p, size_t *n)
{
	for (;;) {
		size_t L = *n;
		if (L >= 128 && memcmp(p + L - 128, "TAG", 3) == 0) {
			const unsigned char *t = p + L - 128;
			f->removed |= v1_field(t + 3, 30, MR_COMMENTS) | v1_field(t + 33, 30, MR_AUTHOR) |
			              v1_field(t + 63, 30, MR_COMMENTS) |
			              v1_field(t + 93, 4, MR_TIMESTAMPS) | v1_field(t + 97, 30, MR_COMMENTS);
			L -= 128;
			if (L >= 227 && memcmp(p + L - 227, "TAG+", 4) == 0) {
				f->removed |= MR_AUTHOR | MR_COMMENTS;
				L -= 227;
			}
		} else if (L >= 32 && memcmp(p + L - 32, "APETAGEX", 8) == 0) {
			const unsigned char *t = p + L - 32;
			uint64_t size = mf_le32(t + 12);
			uint64_t total = size + ((mf_le32(t + 20) & 0x80000000u) ? 32 : 0);
			if (size < 32)
				return false;
			if (total > L)
				return false;
			f->removed |= ape_items(p + L - size, (size_t)size - 32);
			if (f->removed == 0)
				f->removed |= MR_OTHER;
			L -= (size_t)total;
		} else if (L >= 10 && memcmp(p + L - 10, "3DI", 3) == 0 && is_syncsafe(p + L - 4)) {
			uint64_t total = (uint64_t)syncsafe(p + L - 4) + 20;
			if (total > L)
				return false;
			if (memcmp(p + L - total, "ID3", 3) != 0)
				return true;
			f->removed |= MR_OTHER;
			L -= (size_t)total;
		} else {
			return true;
		}
		*n = L;
	}
}

static size_t scan(struct media_filter *f, const unsigned char *p, size_t n)
{
	if (p == NULL) { /* the end: put the ring in order, strip the tail, emit the rest */
		size_t head = f->u.mp3.head, len = f->u.mp3.len;
		if (head + len > MF_BUF) { /* wrapped: rotate the buffer so it starts at head */
			reverse(f->buf, head);
			reverse(f->buf + head, MF_BUF - head);
			reverse(f->buf, MF_BUF);
			head = 0;
		}
		bool ok = strip_tail(f, f->buf + head, &len);
		mf_emit(f, f->buf + head, len);
		f->u.mp3.len = 0;
		if (ok)
			mf_end(f);
		else
			f->raw = true; /* a tag larger than what is held: kept */
		return 0;
	}
	if (n >= MF_BUF) {
		ring_out(f, f->u.mp3.len);
		mf_pass(f, p, n - MF_BUF);
		f->u.mp3.head = 0;
		ring_in(f, p + n - MF_BUF, MF_BUF);
		return n;
	}
	if (f->u.mp3.len + n > MF_BUF)
		ring_out(f, f->u.mp3.len + n - MF_BUF);
	ring_in(f, p, n);
	return n;
}

void mf_mp3_init(struct media_filter *f)
{
	f->step = step;
	f->scan = scan;
	f->state = M_TAG;
	mf_collect(f, 10);
	f->may_end = true;
}
