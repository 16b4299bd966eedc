/* gif.c: GIF metadata-removal filter (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/filter_fuzz.c). */
/*
 * Walks the blocks. Kept byte for byte: the header and logical screen descriptor, colour
 * tables, image descriptors with their LZW data, Graphic Control and Plain Text extensions,
 * the looping Application extensions (NETSCAPE2.0, ANIMEXTS1.0), the ICC profile one
 * (ICCRGBG1012: colour data, kept as JPEG's APP2 ICC is), and the trailer. Dropped: Comment
 * extensions (MR_COMMENTS), the XMP Application extension (MR_XMP), every other Application
 * extension and extensions of unknown label (MR_OTHER: no decoder needs them), and anything
 * after the trailer (MR_OTHER).
 *
 * Held: block headers only (at most 14 bytes). Sub-block chains are walked in the caller's
 * pieces by scan, a size byte at a time.
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <string.h>

enum { G_HDR, G_BLOCK, G_IMAGE, G_LZW, G_EXT, G_APP_SIZE, G_APP_ID };

static void next_block(struct media_filter *f)
{
	f->state = G_BLOCK;
	mf_collect(f, 1);
}

/* A chain of sub-blocks follows (after any run): pass or drop it, then the next block. */
static void sub_blocks(struct media_filter *f, bool keep, unsigned first_left)
{
	f->u.gif.keep = keep;
	f->u.gif.sub_left = first_left;
	mf_scan(f);
}

static size_t table_size(unsigned flags)
{
	return (flags & 0x80) ? (size_t)3 << ((flags & 7) + 1) : 0;
}

static void step(struct media_filter *f)
{
	unsigned char *b = f->buf;
	switch (f->state) {
	case G_HDR:
		if (memcmp(b, "GIF87a", 6) != 0 && memcmp(b, "GIF89a", 6) != 0) {
			mf_raw(f);
			return;
		}
		mf_emit(f, b, 13);
		mf_run(f, table_size(b[10]), MF_PASS);
		next_block(f);
		return;

	case G_BLOCK:
		switch (b[0]) {
		case 0x2C: /* image descriptor */
			f->state = G_IMAGE;
			mf_more(f, 10);
			return;
		case 0x21: /* extension */
			f->state = G_EXT;
			mf_more(f, 2);
			return;
		case 0x3B: /* trailer */
			mf_emit(f, b, 1);
			mf_end(f);
			return;
		}
		mf_raw(f);
		return;

	case G_IMAGE:
		mf_emit(f, b, 10);
		mf_run(f, table_size(b[9]), MF_PASS);
		f->state = G_LZW;
		mf_collect(f, 1);
		return;

	case G_LZW: /* minimum code size, then the data sub-blocks */
		mf_emit(f, b, 1);
		sub_blocks(f, true, 0);
		return;

	case G_EXT:
		switch (b[1]) {
		case 0xF9: /* graphic control */
		case 0x01: /* plain text */
			mf_emit(f, b, 2);
			sub_blocks(f, true, 0);
			return;
		case 0xFE:
			f->removed |= MR_COMMENTS;
			sub_blocks(f, false, 0);
			return;
		case 0xFF:
			f->state = G_APP_SIZE;
			f->hold_meta = true;
			mf_more(f, 3);
			return;
		}
		f->removed |= MR_OTHER;
		sub_blocks(f, false, 0);
		return;

	case G_APP_SIZE: /* the identifier's sub-block: 11 bytes in a well-formed one */
		if (b[2] == 11) {
			f->state = G_APP_ID;
			mf_more(f, 14);
			return;
		}
		f->removed |= MR_OTHER;
		f->hold_meta = false;
		if (b[2] == 0)
			next_block(f);
		else
			sub_blocks(f, false, b[2]);
		return;

	case G_APP_ID: {
		const unsigned char *id = b + 3;
		f->hold_meta = false;
		if (memcmp(id, "NETSCAPE2.0", 11) == 0 || memcmp(id, "ANIMEXTS1.0", 11) == 0 ||
		    memcmp(id, "ICCRGBG1012", 11) == 0) {
			mf_emit(f, b, 14);
			sub_blocks(f, true, 0);
			return;
		}
		f->removed |= memcmp(id, "XMP DataXMP", 11) == 0 ? MR_XMP : MR_OTHER;
		sub_blocks(f, false, 0);
		return;
	}
	}
	mf_raw(f);
}

/* Sub-blocks: a size byte, that many bytes, …, a zero size byte. */
static size_t scan(struct media_filter *f, const unsigned char *p, size_t n)
{
	size_t i = 0;
	bool keep = f->u.gif.keep;
	while (i < n) {
		if (f->u.gif.sub_left) {
			size_t k = n - i < f->u.gif.sub_left ? n - i : f->u.gif.sub_left;
			if (keep)
				mf_pass(f, p + i, k);
			f->u.gif.sub_left -= (unsigned)k;
			i += k;
			continue;
		}
		unsigned size = p[i];
		if (keep)
			mf_pass(f, p + i, 1);
		i++;
		if (size == 0) {
			next_block(f);
			return i;
		}
		f->u.gif.sub_left = size;
	}
	return i;
}

void mf_gif_init(struct media_filter *f)
{
	f->step = step;
	f->scan = scan;
	f->state = G_HDR;
	mf_collect(f, 13);
}
