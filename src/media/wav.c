/* wav.c: WAV metadata-removal filter (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/wav_fuzz.c). */
/*
 * A RIFF WAVE file announces its size first, so, as in webp.c, metadata chunks are
 * overwritten in place rather than dropped: they become "JUNK" chunks of zeros with their
 * sizes kept, and the RIFF size and every chunk after them stay right.
 *
 *   LIST/INFO  (IART, ICRD, ISFT, ICMT, INAM, …): the sub-chunk headers are read to tell what
 *              was there (author, timestamps, device, comments), then zeroed with the rest.
 *   LIST/adtl  labels and notes (MR_COMMENTS).
 *   id3, ID3   an ID3 tag inside the RIFF; bext (Broadcast WAV: originator, dates), iXML,
 *              cart, DISP (MR_OTHER, DISP MR_COMMENTS); _PMX (XMP, MR_XMP).
 * fmt, data, fact, cue, smpl and every other chunk pass byte for byte, as do other LIST
 * types. Bytes after the RIFF's declared end (often an ID3 tag appended by a tagger) are
 * dropped (MR_OTHER). RF64 and a chunk that does not fit in the RIFF: passed unchanged.
 * Held: chunk headers only.
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <string.h>

enum { V_HDR, V_CHUNK, V_LIST, V_SUB, V_SUBHDR };

static void next_chunk(struct media_filter *f)
{
	if (f->u.wav.pos == f->u.wav.end) {
		mf_end(f);
		return;
	}
	f->state = V_CHUNK;
	mf_collect(f, 8);
}

/* The chunk whose header is in buf becomes JUNK; `data` bytes of zeros follow. */
static void to_junk(struct media_filter *f, uint64_t data)
{
	unsigned char h[8] = {'J', 'U', 'N', 'K'};
	memcpy(h + 4, f->buf + 4, 4);
	mf_emit(f, h, 8);
	mf_run(f, data, MF_ZERO);
}

/* What an INFO sub-chunk holds. */
static unsigned info_class(const unsigned char *id)
{
	static const struct {
		char id[5];
		unsigned bits;
	} ids[] = {{"IART", MR_AUTHOR}, {"ICMS", MR_AUTHOR},     {"IENG", MR_AUTHOR},
	           {"ITCH", MR_AUTHOR}, {"ICOP", MR_AUTHOR},     {"ICRD", MR_TIMESTAMPS},
	           {"IDIT", MR_TIMESTAMPS}, {"ISFT", MR_DEVICE}, {"ICMT", MR_COMMENTS},
	           {"INAM", MR_COMMENTS}, {"ISBJ", MR_COMMENTS}, {"IKEY", MR_COMMENTS}};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (memcmp(id, ids[i].id, 4) == 0)
			return ids[i].bits;
	return MR_OTHER;
}

/* Within a zeroed LIST/INFO: the next sub-chunk header, or the end of the list. */
static void next_sub(struct media_filter *f)
{
	uint64_t left = f->u.wav.sub_end - f->u.wav.pos;
	if (left == 0) {
		next_chunk(f);
		return;
	}
	if (left < 8) { /* a pad byte, or too little to hold anything */
		mf_run(f, left, MF_ZERO);
		f->u.wav.pos = f->u.wav.sub_end;
		f->state = V_SUB;
		mf_collect(f, 0);
		return;
	}
	f->state = V_SUBHDR;
	f->hold_meta = true;
	mf_collect(f, 8);
}

static void step(struct media_filter *f)
{
	unsigned char *b = f->buf;
	switch (f->state) {
	case V_HDR: {
		uint32_t size = mf_le32(b + 4);
		if (memcmp(b, "RIFF", 4) != 0 || memcmp(b + 8, "WAVE", 4) != 0 || size < 4) {
			mf_raw(f);
			return;
		}
		mf_emit(f, b, 12);
		f->u.wav.pos = 12;
		f->u.wav.end = (uint64_t)size + 8;
		next_chunk(f);
		return;
	}

	case V_CHUNK: {
		uint32_t size = mf_le32(b + 4);
		uint64_t padded = (uint64_t)size + (size & 1);
		uint64_t left = f->u.wav.end - f->u.wav.pos;
		if (left < 8 || left - 8 < padded) {
			mf_raw(f);
			return;
		}
		f->u.wav.pos += 8 + padded;
		f->u.wav.size = size;
		unsigned bits = 0;
		if (memcmp(b, "LIST", 4) == 0 && size >= 4) {
			f->state = V_LIST;
			mf_more(f, 12);
			return;
		}
		if (memcmp(b, "id3 ", 4) == 0 || memcmp(b, "ID3 ", 4) == 0 ||
		    memcmp(b, "bext", 4) == 0 || memcmp(b, "iXML", 4) == 0 ||
		    memcmp(b, "cart", 4) == 0)
			bits = MR_OTHER;
		else if (memcmp(b, "DISP", 4) == 0)
			bits = MR_COMMENTS;
		else if (memcmp(b, "_PMX", 4) == 0)
			bits = MR_XMP;
		if (bits) {
			f->removed |= bits;
			to_junk(f, padded);
		} else {
			mf_emit(f, b, 8);
			mf_run(f, padded, MF_PASS);
		}
		next_chunk(f);
		return;
	}

	case V_LIST: {
		uint64_t padded = (uint64_t)f->u.wav.size + (f->u.wav.size & 1);
		if (memcmp(b + 8, "INFO", 4) == 0) {
			to_junk(f, 0);
			mf_zeros(f, 4); /* the list type, already read */
			f->u.wav.sub_end = f->u.wav.pos;
			f->u.wav.pos = f->u.wav.pos - padded + 4;
			f->state = V_SUB;
			mf_collect(f, 0);
		} else if (memcmp(b + 8, "adtl", 4) == 0) {
			f->removed |= MR_COMMENTS;
			to_junk(f, padded - 4);
			mf_zeros(f, 4);
			next_chunk(f);
		} else {
			mf_emit(f, b, 12);
			mf_run(f, padded - 4, MF_PASS);
			next_chunk(f);
		}
		return;
	}

	case V_SUB:
		next_sub(f);
		return;

	case V_SUBHDR: {
		uint64_t left = f->u.wav.sub_end - f->u.wav.pos - 8;
		uint32_t size = mf_le32(b + 4);
		uint64_t padded = (uint64_t)size + (size & 1);
		f->hold_meta = false;
		f->removed |= info_class(b);
		if (padded > left) /* a broken list: zeroed all the same */
			padded = left;
		mf_zeros(f, 8);
		mf_run(f, padded, MF_ZERO);
		f->u.wav.pos += 8 + padded;
		f->state = V_SUB;
		mf_collect(f, 0);
		return;
	}
	}
	mf_raw(f);
}

void mf_wav_init(struct media_filter *f)
{
	f->step = step;
	f->state = V_HDR;
	mf_collect(f, 12);
}
