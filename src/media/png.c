/* png.c: PNG metadata-removal filter (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/filter_fuzz.c). */
/*
 * Walks the chunks after the signature. Dropped whole: tEXt, zTXt, iTXt (MR_COMMENTS, or
 * MR_AUTHOR for the Author/Copyright keywords, MR_XMP for XML:com.adobe.xmp, MR_TIMESTAMPS
 * for creation and date keywords, MR_DEVICE for Software/Source, and ImageMagick's "Raw
 * profile type …" by what it holds), tIME (MR_TIMESTAMPS), eXIf (classified like JPEG
 * Exif), and anything after IEND (MR_OTHER). Every other chunk is kept byte for byte, so
 * its CRC stays valid. When the dropped eXIf had an Orientation, a minimal eXIf holding only
 * that (with its CRC) takes its place.
 *
 * Held: a chunk's 8-byte header, the first 80 bytes of a text chunk (its keyword), and an
 * eXIf of at most 64 KiB (a larger one is dropped unread, as MR_OTHER).
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <string.h>

enum { P_SIG, P_HDR, P_TEXT, P_EXIF };

#define KEY_MAX 80 /* keyword (1..79 bytes) and its NUL */

static const unsigned char SIG[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

static bool is_type(const unsigned char *t, const char *name)
{
	return memcmp(t, name, 4) == 0;
}

static bool letters(const unsigned char *t)
{
	for (int i = 0; i < 4; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z')))
			return false;
	return true;
}

static uint32_t crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return c ^ 0xFFFFFFFFu;
}

static void put_be32(unsigned char *q, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		q[i] = (unsigned char)(v >> (24 - 8 * i));
}

static bool key_is(const unsigned char *k, size_t n, const char *name)
{
	size_t len = strlen(name);
	return n == len && memcmp(k, name, len) == 0;
}

static bool key_starts(const unsigned char *k, size_t n, const char *prefix)
{
	size_t len = strlen(prefix);
	return n >= len && memcmp(k, prefix, len) == 0;
}

/* What a text chunk's keyword says it held. */
static unsigned text_class(const unsigned char *k, size_t n)
{
	const unsigned char *nul = memchr(k, 0, n);
	if (nul)
		n = (size_t)(nul - k);
	if (key_is(k, n, "Author") || key_is(k, n, "Copyright"))
		return MR_AUTHOR;
	if (key_is(k, n, "XML:com.adobe.xmp") || key_is(k, n, "Raw profile type xmp"))
		return MR_XMP;
	if (key_is(k, n, "Raw profile type iptc") || key_is(k, n, "Raw profile type 8bim"))
		return MR_IPTC;
	if (key_is(k, n, "Creation Time") || key_starts(k, n, "date:"))
		return MR_TIMESTAMPS;
	if (key_is(k, n, "Software") || key_is(k, n, "Source"))
		return MR_DEVICE;
	if (key_starts(k, n, "Raw profile type"))
		return MR_OTHER; /* exif, APP1…: compressed hex, not read */
	return MR_COMMENTS;
}

static void next_chunk(struct media_filter *f)
{
	f->state = P_HDR;
	mf_collect(f, 8);
}

static void step(struct media_filter *f)
{
	unsigned char *b = f->buf;
	switch (f->state) {
	case P_SIG:
		if (memcmp(b, SIG, 8) != 0) {
			mf_raw(f);
			return;
		}
		mf_emit(f, b, 8);
		next_chunk(f);
		return;

	case P_HDR: {
		uint32_t len = mf_be32(b);
		const unsigned char *t = b + 4;
		if (len > 0x7FFFFFFFu || !letters(t)) {
			mf_raw(f);
			return;
		}
		f->u.png.len = len;
		if (is_type(t, "tEXt") || is_type(t, "zTXt") || is_type(t, "iTXt")) {
			f->state = P_TEXT;
			f->hold_meta = true;
			mf_more(f, 8 + (len < KEY_MAX ? len : KEY_MAX));
		} else if (is_type(t, "eXIf") && len <= MF_BUF - 8) {
			f->state = P_EXIF;
			f->hold_meta = true;
			mf_more(f, 8 + (size_t)len);
		} else if (is_type(t, "eXIf") || is_type(t, "tIME")) {
			f->removed |= is_type(t, "tIME") ? MR_TIMESTAMPS : MR_OTHER;
			mf_run(f, (uint64_t)len + 4, MF_DROP);
			next_chunk(f);
		} else {
			mf_emit(f, b, 8);
			mf_run(f, (uint64_t)len + 4, MF_PASS);
			if (is_type(t, "IEND"))
				mf_end(f);
			else
				next_chunk(f);
		}
		return;
	}

	case P_TEXT:
		f->removed |= text_class(b + 8, f->have - 8);
		f->hold_meta = false;
		mf_run(f, (uint64_t)f->u.png.len - (f->have - 8) + 4, MF_DROP);
		next_chunk(f);
		return;

	case P_EXIF: {
		unsigned orientation;
		bool be;
		f->removed |= mf_exif(b + 8, f->u.png.len, &orientation, &be);
		f->hold_meta = false;
		if (orientation && !f->u.png.orient_done) {
			unsigned char c[4 + 4 + MF_TIFF_MIN + 4];
			put_be32(c, MF_TIFF_MIN);
			memcpy(c + 4, "eXIf", 4);
			mf_tiff_orientation(c + 8, orientation, be);
			put_be32(c + 8 + MF_TIFF_MIN, crc32(c + 4, 4 + MF_TIFF_MIN));
			mf_emit(f, c, sizeof c);
			f->u.png.orient_done = true;
		}
		mf_run(f, 4, MF_DROP); /* its CRC */
		next_chunk(f);
		return;
	}
	}
	mf_raw(f);
}

void mf_png_init(struct media_filter *f)
{
	f->step = step;
	f->state = P_SIG;
	mf_collect(f, 8);
}
