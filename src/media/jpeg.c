/* jpeg.c: JPEG metadata-removal filter (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/filter_fuzz.c). */
/*
 * Walks the markers. Kept byte for byte: SOI, APP0 "JFIF", APP2 "ICC_PROFILE", APP14
 * "Adobe" (its colour transform matters), every other marker segment (DQT, DHT, SOFn, SOS,
 * DRI, DNL, …), all entropy-coded data with its RSTn markers and 0xFF fill bytes, and EOI.
 * Dropped: APP1 Exif (classified; see filter.c), APP1 XMP and extended XMP (MR_XMP), APP13
 * (IPTC/Photoshop, MR_IPTC), COM (MR_COMMENTS), every other APPn (APP0 other than JFIF,
 * APP1 other, APP2 MPF/FlashPix, APP3..APP12 camera blocks such as Ducky/PictureInfo,
 * APP14 other than Adobe, APP15: MR_OTHER), and anything after EOI (MR_OTHER: phones
 * append further pictures, depth maps and their own Exif there).
 *
 * When the dropped Exif had IFD0 Orientation, a minimal APP1 Exif holding only that entry,
 * in the same byte order, takes the place of the first such segment, so the picture still
 * shows upright.
 *
 * Only segment headers are held: the first 40 bytes of an APPn/COM body to recognise it,
 * and an Exif body whole (at most 65533 bytes) to classify it. Entropy-coded data is
 * scanned for its ending marker in the caller's pieces; a 0xFF at the end of a piece is the
 * one byte carried over.
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <string.h>

enum { J_SOI, J_MARK, J_LEN, J_ID, J_EXIF };

#define ID_MAX 40 /* bytes of an APPn/COM body read to recognise it */

static const char XMP_ID[] = "http://ns.adobe.com/xap/1.0/";         /* + NUL */
static const char XMP_EXT_ID[] = "http://ns.adobe.com/xmp/extension/"; /* + NUL */

static bool has_id(const unsigned char *body, size_t n, const char *id, size_t len)
{
	return n >= len && memcmp(body, id, len) == 0;
}

/* After a marker segment or a standalone marker: read the next marker. */
static void next_marker(struct media_filter *f)
{
	f->state = J_MARK;
	mf_collect(f, 2);
}

/* What to do with an APPn or COM segment, from the start of its body: 0 keep, else the
 * MR_ bit it is dropped under; *exif for an APP1 Exif (to be read whole). */
static unsigned classify(unsigned m, const unsigned char *b, size_t n, bool *exif)
{
	*exif = false;
	switch (m) {
	case 0xE0:
		return has_id(b, n, "JFIF\0", 5) ? 0 : MR_OTHER;
	case 0xE1:
		if (has_id(b, n, "Exif\0", 5)) {
			*exif = true;
			return MR_OTHER; /* refined when read */
		}
		if (has_id(b, n, XMP_ID, sizeof XMP_ID) || has_id(b, n, XMP_EXT_ID, sizeof XMP_EXT_ID))
			return MR_XMP;
		return MR_OTHER;
	case 0xE2:
		return has_id(b, n, "ICC_PROFILE\0", 12) ? 0 : MR_OTHER;
	case 0xED:
		return MR_IPTC;
	case 0xEE:
		return has_id(b, n, "Adobe", 5) ? 0 : MR_OTHER;
	case 0xFE:
		return MR_COMMENTS;
	default:
		return MR_OTHER;
	}
}

static void step(struct media_filter *f)
{
	unsigned char *b = f->buf;
	switch (f->state) {
	case J_SOI:
		if (b[0] != 0xFF || b[1] != 0xD8) {
			mf_raw(f);
			return;
		}
		mf_emit(f, b, 2);
		next_marker(f);
		return;

	case J_MARK: {
		unsigned m = b[1];
		if (b[0] != 0xFF) {
			mf_raw(f);
		} else if (m == 0xFF) { /* fill byte before a marker: keep it, read on */
			mf_emit(f, b, 1);
			f->have = 1;
			mf_more(f, 2);
		} else if (m == 0xD9) { /* EOI */
			mf_emit(f, b, 2);
			mf_end(f);
		} else if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) { /* RSTn, TEM: no length */
			mf_emit(f, b, 2);
			next_marker(f);
		} else if (m < 0xC0 || m == 0xD8) { /* reserved, or a second SOI */
			mf_raw(f);
		} else {
			f->state = J_LEN;
			f->hold_meta = (m >= 0xE0 && m <= 0xEF) || m == 0xFE;
			mf_more(f, 4);
		}
		return;
	}

	case J_LEN: {
		unsigned m = b[1];
		size_t len = (size_t)b[2] << 8 | b[3];
		if (len < 2) {
			mf_raw(f);
			return;
		}
		f->u.jpeg.body = len - 2;
		if ((m >= 0xE0 && m <= 0xEF) || m == 0xFE) {
			size_t id = f->u.jpeg.body < ID_MAX ? f->u.jpeg.body : ID_MAX;
			f->state = J_ID;
			mf_more(f, 4 + id);
			return;
		}
		f->hold_meta = false;
		mf_emit(f, b, 4);
		mf_run(f, f->u.jpeg.body, MF_PASS);
		if (m == 0xDA) /* SOS: entropy-coded data follows its header */
			mf_scan(f);
		else
			next_marker(f);
		return;
	}

	case J_ID: {
		bool exif;
		size_t got = f->have - 4;
		unsigned bit = classify(b[1], b + 4, got, &exif);
		if (bit == 0) {
			f->hold_meta = false;
			mf_emit(f, b, f->have);
			mf_run(f, f->u.jpeg.body - got, MF_PASS);
			next_marker(f);
		} else if (exif) {
			f->state = J_EXIF;
			mf_more(f, 4 + f->u.jpeg.body);
		} else {
			f->removed |= bit;
			f->hold_meta = false;
			mf_run(f, f->u.jpeg.body - got, MF_DROP);
			next_marker(f);
		}
		return;
	}

	case J_EXIF: {
		unsigned orientation;
		bool be;
		f->removed |= mf_exif(b + 4, f->u.jpeg.body, &orientation, &be);
		f->hold_meta = false;
		if (orientation && !f->u.jpeg.orient_done) {
			unsigned char seg[4 + 6 + MF_TIFF_MIN] = {0xFF, 0xE1, 0, 2 + 6 + MF_TIFF_MIN,
			                                          'E',  'x',  'i', 'f', 0, 0};
			mf_tiff_orientation(seg + 10, orientation, be);
			mf_emit(f, seg, sizeof seg);
			f->u.jpeg.orient_done = true;
		}
		next_marker(f);
		return;
	}
	}
	mf_raw(f);
}

/* Entropy-coded data: passes it up to the marker that ends it (0xFF followed by anything
 * but 0x00, RSTn or another 0xFF), which is then read as a marker. p == NULL: end of input,
 * emit a held 0xFF. */
static void marker_in_scan(struct media_filter *f, unsigned c)
{
	f->buf[0] = 0xFF;
	f->buf[1] = (unsigned char)c;
	f->state = J_MARK;
	f->have = 0;
	mf_more(f, 2);
	f->have = 2; /* complete: J_MARK decides at once */
}

static size_t scan(struct media_filter *f, const unsigned char *p, size_t n)
{
	static const unsigned char ff = 0xFF;
	if (f->u.jpeg.ff) {
		if (n == 0) { /* the input ends here */
			f->u.jpeg.ff = false;
			mf_emit(f, &ff, 1);
			return 0;
		}
		unsigned c = p[0];
		if (c == 0xFF) { /* that one was fill; this one may start the marker */
			mf_emit(f, &ff, 1);
			return 1;
		}
		f->u.jpeg.ff = false;
		if (c == 0x00 || (c >= 0xD0 && c <= 0xD7)) {
			mf_emit(f, &ff, 1);
			mf_pass(f, p, 1);
		} else {
			marker_in_scan(f, c);
		}
		return 1;
	}
	size_t i = 0;
	while (i < n) {
		const unsigned char *q = memchr(p + i, 0xFF, n - i);
		if (q == NULL) {
			mf_pass(f, p + i, n - i);
			return n;
		}
		size_t j = (size_t)(q - p);
		if (j + 1 == n) { /* the next byte is in the next piece */
			mf_pass(f, p + i, j - i);
			f->u.jpeg.ff = true;
			return n;
		}
		unsigned c = p[j + 1];
		if (c == 0x00 || (c >= 0xD0 && c <= 0xD7)) {
			mf_pass(f, p + i, j + 2 - i);
			i = j + 2;
		} else if (c == 0xFF) {
			mf_pass(f, p + i, j + 1 - i);
			i = j + 1;
		} else {
			mf_pass(f, p + i, j - i);
			marker_in_scan(f, c);
			return j + 2;
		}
	}
	return n;
}

void mf_jpeg_init(struct media_filter *f)
{
	f->step = step;
	f->scan = scan;
	f->state = J_SOI;
	mf_collect(f, 2);
}
