/* ogg.c: Ogg (Opus, Vorbis) metadata-removal filter (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/ogg_fuzz.c). */
/*
 * The tags of an Ogg Opus or Vorbis stream are its second packet, the comment header
 * (ARTIST=, DATE=, ENCODER=, LOCATION=, pictures…). Here it is cut down to its vendor string
 * and no comments; the page that holds it is rewritten with its new lacing and a new CRC,
 * keeping its sequence number and granule position, so no other page changes. Every
 * other page passes byte for byte: only page headers are read, and only pages that begin a
 * header packet are held whole (a page is at most 65307 bytes).
 *
 * Not cleaned (passed unchanged from there): a comment header that does not begin and end
 * on one page (large embedded pictures), a stream of another codec (Speex, FLAC, Theora:
 * their comments are not read here), more than 8 streams, or anything that is not a page.
 * Bytes after the last page count as not a page.
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <string.h>
#include <strings.h>

enum { O_PAGE, O_LACING, O_BODY };
enum { C_UNKNOWN, C_OPUS, C_VORBIS };

#define NSTREAMS 8

static void next_page(struct media_filter *f)
{
	f->state = O_PAGE;
	mf_collect(f, 27);
	f->may_end = true;
}

/* Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial 0, over the page with its CRC
 * field zero. Only rewritten pages need it, so no table. */
static uint32_t ogg_crc(const unsigned char *p, size_t n)
{
	uint32_t crc = 0;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 24;
		for (int k = 0; k < 8; k++)
			crc = crc & 0x80000000u ? crc << 1 ^ 0x04C11DB7u : crc << 1;
	}
	return crc;
}

/* What a comment says, from its key. */
static unsigned comment_class(const unsigned char *c, size_t n)
{
	static const struct {
		const char *key;
		unsigned bits;
	} keys[] = {{"ARTIST", MR_AUTHOR},     {"PERFORMER", MR_AUTHOR}, {"COMPOSER", MR_AUTHOR},
	            {"AUTHOR", MR_AUTHOR},     {"COPYRIGHT", MR_AUTHOR}, {"DATE", MR_TIMESTAMPS},
	            {"CREATION_TIME", MR_TIMESTAMPS},  {"ENCODER", MR_DEVICE},
	            {"ENCODED_BY", MR_DEVICE}, {"LOCATION", MR_GPS},     {"COMMENT", MR_COMMENTS},
	            {"DESCRIPTION", MR_COMMENTS}, {"TITLE", MR_COMMENTS}, {"ALBUM", MR_COMMENTS}};
	const unsigned char *eq = memchr(c, '=', n);
	size_t klen = eq ? (size_t)(eq - c) : n;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strlen(keys[i].key) == klen && strncasecmp((const char *)c, keys[i].key, klen) == 0)
			return keys[i].bits;
	return MR_OTHER;
}

/* Reduces the comment packet p[0..*n) (after its magic of `magic` bytes) to its vendor
 * string; false when it is not one. */
static bool reduce(struct media_filter *f, unsigned char *p, size_t *n, size_t magic,
                   bool framing)
{
	size_t len = *n, i = magic;
	if (len - i < 4)
		return false;
	uint32_t vlen = mf_le32(p + i);
	if (vlen > len - i - 4 || len - i - 4 - vlen < 4)
		return false;
	i += 4 + vlen;
	size_t count_at = i;
	uint32_t count = mf_le32(p + i);
	i += 4;
	for (uint32_t k = 0; k < count; k++) {
		if (len - i < 4)
			return false;
		uint32_t clen = mf_le32(p + i);
		if (clen > len - i - 4)
			return false;
		f->removed |= comment_class(p + i + 4, clen);
		i += 4 + clen;
	}
	if (framing && i == len)
		return false; /* Vorbis: no framing bit */
	if (i < len && !(framing && len - i == 1))
		f->removed |= MR_OTHER; /* Opus: binary data after the comments */
	memset(p + count_at, 0, 4);
	*n = count_at + 4;
	if (framing)
		p[(*n)++] = 1;
	return true;
}

/* The stream of this page's serial, or NULL when the table is full. */
static unsigned stream_of(struct media_filter *f, uint32_t serial, bool bos)
{
	for (unsigned i = 0; i < f->u.ogg.nstreams; i++)
		if (f->u.ogg.s[i].serial == serial && f->u.ogg.s[i].open)
			return i;
	if (!bos || f->u.ogg.nstreams == NSTREAMS)
		return NSTREAMS;
	unsigned i = f->u.ogg.nstreams++;
	f->u.ogg.s[i].serial = serial;
	f->u.ogg.s[i].open = true;
	f->u.ogg.s[i].codec = C_UNKNOWN;
	f->u.ogg.s[i].packets = 0;
	return i;
}

/* Replaces the packet at data offset `at` (len bytes, lacing segments [first, last)) of the
 * page in buf by its first n bytes, and sets the CRC. */
static void shrink(struct media_filter *f, size_t first, size_t last, size_t at, size_t len,
                   size_t n)
{
	unsigned char *b = f->buf;
	size_t nseg = b[26], data = 27 + nseg;
	size_t nfirst = n / 255 + 1, shift = (last - first) - nfirst; /* it only shrank */
	memmove(b + 27 + first + nfirst, b + 27 + last, nseg - last);
	memset(b + 27 + first, 255, nfirst - 1);
	b[27 + first + nfirst - 1] = (unsigned char)(n % 255);
	memmove(b + data - shift, b + data, at - data + n); /* the data before, and the packet */
	memmove(b + at - shift + n, b + at + len, f->have - at - len); /* the data after */
	b[26] = (unsigned char)(nseg - shift);
	f->have -= shift + (len - n);
	memset(b + 22, 0, 4);
	uint32_t crc = ogg_crc(b, f->have);
	for (int k = 0; k < 4; k++)
		b[22 + k] = (unsigned char)(crc >> (8 * k));
}

/* The whole page is in buf: counts its packets, learns the codec from the first, and
 * reduces the comment header when this page holds it. */
static void page(struct media_filter *f)
{
	unsigned char *b = f->buf;
	size_t nseg = b[26];
	unsigned si = stream_of(f, mf_le32(b + 14), b[5] & 2);
	if (si == NSTREAMS) {
		mf_raw(f);
		return;
	}
	unsigned codec = f->u.ogg.s[si].codec, packets = f->u.ogg.s[si].packets;
	size_t at = 27 + nseg, seg = 0;
	size_t c_first = 0, c_last = 0, c_at = 0, c_len = 0;
	bool comment = false;
	while (seg < nseg) { /* each packet, or part of one, on the page */
		size_t first = seg, len = 0;
		while (seg < nseg && b[27 + seg] == 255)
			len += b[27 + seg++];
		bool ends = seg < nseg;
		if (ends)
			len += b[27 + seg++];
		bool starts = !((b[5] & 1) && first == 0);
		if (starts)
			packets++;
		unsigned index = packets - 1;
		const unsigned char *pk = b + at;
		if (index == 0 && starts) {
			if (len >= 8 && memcmp(pk, "OpusHead", 8) == 0)
				codec = C_OPUS;
			else if (len >= 7 && memcmp(pk, "\1vorbis", 7) == 0)
				codec = C_VORBIS;
		}
		if (index == 1) {
			if (codec == C_UNKNOWN || !starts || !ends) {
				mf_raw(f); /* another codec, or tags over several pages */
				return;
			}
			comment = true;
			c_first = first;
			c_last = seg;
			c_at = at;
			c_len = len;
		}
		at += len;
	}
	if (comment) {
		bool opus = codec == C_OPUS;
		unsigned char *pk = b + c_at;
		size_t n = c_len;
		if ((opus ? n < 8 || memcmp(pk, "OpusTags", 8) != 0
		          : n < 7 || memcmp(pk, "\3vorbis", 7) != 0) ||
		    !reduce(f, pk, &n, opus ? 8 : 7, !opus)) {
			mf_raw(f);
			return;
		}
		if (n != c_len)
			shrink(f, c_first, c_last, c_at, c_len, n);
	}
	f->u.ogg.s[si].codec = codec;
	f->u.ogg.s[si].packets = packets;
	if (b[5] & 4)
		f->u.ogg.s[si].open = false;
	mf_emit(f, b, f->have);
	next_page(f);
}

static void step(struct media_filter *f)
{
	unsigned char *b = f->buf;
	switch (f->state) {
	case O_PAGE:
		if (memcmp(b, "OggS", 4) != 0 || b[4] != 0) {
			mf_raw(f);
			return;
		}
		f->state = O_LACING;
		mf_more(f, 27 + (size_t)b[26]);
		return;

	case O_LACING: {
		size_t body = 0;
		for (size_t i = 0; i < b[26]; i++)
			body += b[27 + i];
		/* Pages whose stream still has header packets to come are read whole. */
		uint32_t serial = mf_le32(b + 14);
		bool headers = (b[5] & 2) != 0;
		for (unsigned i = 0; i < f->u.ogg.nstreams && !headers; i++)
			if (f->u.ogg.s[i].serial == serial && f->u.ogg.s[i].open &&
			    f->u.ogg.s[i].packets < 2 + (f->u.ogg.s[i].codec == C_VORBIS))
				headers = true;
		if (headers) {
			f->state = O_BODY;
			mf_more(f, f->have + body);
			return;
		}
		bool known = false;
		for (unsigned i = 0; i < f->u.ogg.nstreams; i++)
			known |= f->u.ogg.s[i].serial == serial && f->u.ogg.s[i].open;
		if (!known) { /* a page of a stream that never began */
			mf_raw(f);
			return;
		}
		if (b[5] & 4)
			for (unsigned i = 0; i < f->u.ogg.nstreams; i++)
				if (f->u.ogg.s[i].serial == serial)
					f->u.ogg.s[i].open = false;
		mf_emit(f, b, f->have);
		mf_run(f, body, MF_PASS);
		next_page(f);
		return;
	}

	case O_BODY:
		page(f);
		return;
	}
	mf_raw(f);
}

void mf_ogg_init(struct media_filter *f)
{
	f->step = step;
	next_page(f);
}
