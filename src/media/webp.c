/* webp.c: WebP metadata-removal filter (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/filter_fuzz.c). */
/*
 * The RIFF size comes first, in the 12-byte header, and the EXIF and XMP chunks usually
 * come last, after the image data. Dropping them would change the size written at the start
 * of a file that is already on its way out, and holding the output until the end would hold
 * the picture. So the metadata chunks are not removed but overwritten in place, keeping
 * every chunk's length: the RIFF size, and every offset in the file, stay right whatever the
 * layout, and nothing but chunk headers (and one Exif block of at most 64 KiB, to classify
 * it) is held.
 *
 *   EXIF  when it had an IFD0 Orientation and has room (26 bytes), it stays an EXIF chunk
 *         holding a minimal TIFF with only that entry, zero-filled to its length (the VP8X
 *         EXIF flag is left as it was); otherwise it becomes a "JUNK" chunk of zeros.
 *         Classified like JPEG Exif (an EXIF over 64 KiB is zeroed unread, as MR_OTHER).
 *   XMP   becomes a "JUNK" chunk of zeros (MR_XMP); the VP8X XMP flag is cleared.
 *   JUNK  is the RIFF name for filler; WebP readers ignore chunks they do not know, in every
 *         place the WebP container allows them (after the image data, or before it).
 * What remains of the metadata is its length. Pad bytes of rewritten chunks are zeroed too.
 * Every other chunk (VP8X, ICCP, ANIM, ANMF, ALPH, VP8, VP8L, unknown) passes byte for byte,
 * and bytes after the RIFF's declared end are dropped (MR_OTHER). A chunk header that does
 * not fit inside the RIFF is malformed: from there the input passes unchanged.
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <string.h>

enum { W_HDR, W_CHUNK, W_VP8X, W_EXIF };

#define VP8X_XMP 0x04

static void put_le32(unsigned char *q, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		q[i] = (unsigned char)(v >> (8 * i));
}

/* Before the next chunk header (or the RIFF's end). */
static void next_chunk(struct media_filter *f)
{
	if (f->u.webp.pos == f->u.webp.end) {
		mf_end(f);
		return;
	}
	f->state = W_CHUNK;
	mf_collect(f, 8);
}

/* The chunk whose header is in buf becomes filler: "JUNK", same size, zero data. */
static void to_junk(struct media_filter *f, uint64_t data)
{
	unsigned char h[8] = {'J', 'U', 'N', 'K'};
	put_le32(h + 4, f->u.webp.size);
	mf_emit(f, h, 8);
	mf_run(f, data, MF_ZERO);
}

static void step(struct media_filter *f)
{
	unsigned char *b = f->buf;
	switch (f->state) {
	case W_HDR: {
		uint32_t size = mf_le32(b + 4);
		if (memcmp(b, "RIFF", 4) != 0 || memcmp(b + 8, "WEBP", 4) != 0 || size < 4) {
			mf_raw(f);
			return;
		}
		mf_emit(f, b, 12);
		f->u.webp.pos = 12;
		f->u.webp.end = (uint64_t)size + 8;
		next_chunk(f);
		return;
	}

	case W_CHUNK: {
		uint32_t size = mf_le32(b + 4);
		uint64_t padded = (uint64_t)size + (size & 1);
		uint64_t left = f->u.webp.end - f->u.webp.pos; /* pos < end here */
		if (left < 8 || left - 8 < padded) {
			mf_raw(f);
			return;
		}
		f->u.webp.pos += 8 + padded;
		f->u.webp.size = size;
		if (memcmp(b, "VP8X", 4) == 0 && size >= 10) {
			f->state = W_VP8X;
			mf_more(f, 18);
		} else if (memcmp(b, "EXIF", 4) == 0 && size <= MF_BUF - 8) {
			f->state = W_EXIF;
			f->hold_meta = true;
			mf_more(f, 8 + (size_t)padded);
		} else if (memcmp(b, "EXIF", 4) == 0) {
			f->removed |= MR_OTHER;
			to_junk(f, padded);
			next_chunk(f);
		} else if (memcmp(b, "XMP ", 4) == 0) {
			f->removed |= MR_XMP;
			to_junk(f, padded);
			next_chunk(f);
		} else {
			mf_emit(f, b, 8);
			mf_run(f, padded, MF_PASS);
			next_chunk(f);
		}
		return;
	}

	case W_VP8X:
		b[8] &= (unsigned char)~VP8X_XMP;
		mf_emit(f, b, 18);
		mf_run(f, (uint64_t)f->u.webp.size + (f->u.webp.size & 1) - 10, MF_PASS);
		next_chunk(f);
		return;

	case W_EXIF: {
		unsigned orientation;
		bool be;
		uint32_t size = f->u.webp.size;
		f->removed |= mf_exif(b + 8, size, &orientation, &be);
		f->hold_meta = false;
		uint64_t padded = (uint64_t)size + (size & 1);
		/* rewritten in buf, where the whole chunk is: the header (or JUNK's), a minimal TIFF
		 * or nothing, zeros */
		size_t keep = 0;
		if (orientation && size >= MF_TIFF_MIN) {
			mf_tiff_orientation(b + 8, orientation, be);
			keep = MF_TIFF_MIN;
		} else {
			memcpy(b, "JUNK", 4);
		}
		memset(b + 8 + keep, 0, (size_t)padded - keep);
		mf_emit(f, b, 8 + (size_t)padded);
		next_chunk(f);
		return;
	}
	}
	mf_raw(f);
}

void mf_webp_init(struct media_filter *f)
{
	f->step = step;
	f->state = W_HDR;
	mf_collect(f, 12);
}
