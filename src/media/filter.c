/* filter.c: the streaming engine and dispatch of the metadata-removal filters (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/filter_fuzz.c). */
/*
 * The engine owns the input pieces: the formats (jpeg.c, png.c, webp.c, gif.c) only see
 * bytes gathered in f->buf (at most MF_BUF, checked here) or, in scan mode, the pieces
 * themselves. Every length that comes from a file is compared with what is there before it
 * is used; runs are 64-bit so that no file-declared size can wrap.
 *
 * Also here: the Exif reader shared by the formats. It reads IFD0, the Exif IFD and the
 * GPS IFD pointer of a TIFF block held whole in memory, only to tell what was removed and to
 * keep IFD0's Orientation; every offset is bounds-checked against the block, and it follows
 * no pointer chains (one fixed level), so malformed Exif cannot loop or read outside.
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <stdlib.h>
#include <string.h>

/* ---- output ---- */

static void flush(struct media_filter *f)
{
	if (f->out_n == 0)
		return;
	size_t n = f->out_n;
	f->out_n = 0;
	if (!f->failed && f->emit(f->arg, f->out_p, n) != 0)
		f->failed = true;
}

void mf_pass(struct media_filter *f, const unsigned char *p, size_t n)
{
	if (n == 0)
		return;
	if (f->out_n && f->out_p + f->out_n == p) {
		f->out_n += n;
		return;
	}
	flush(f);
	f->out_p = p;
	f->out_n = n;
}

void mf_emit(struct media_filter *f, const void *p, size_t n)
{
	flush(f);
	if (n && !f->failed && f->emit(f->arg, p, n) != 0)
		f->failed = true;
}

void mf_zeros(struct media_filter *f, size_t n)
{
	static const unsigned char zeros[4096];
	while (n) {
		size_t k = n < sizeof zeros ? n : sizeof zeros;
		mf_emit(f, zeros, k);
		n -= k;
	}
}

/* ---- what the formats ask for ---- */

void mf_collect(struct media_filter *f, size_t want)
{
	f->have = 0;
	mf_more(f, want);
}

void mf_more(struct media_filter *f, size_t want)
{
	if (want > MF_BUF || want < f->have) { /* a format bug: never trust it with memory */
		mf_raw(f);
		return;
	}
	f->want = want;
	f->mode = MF_COLLECT;
	f->may_end = false; /* a header is being read: ending inside it is not a proper end */
}

void mf_run(struct media_filter *f, uint64_t n, enum mf_run kind)
{
	f->run = n;
	f->run_kind = kind;
}

void mf_raw(struct media_filter *f)
{
	if (f->have)
		mf_emit(f, f->buf, f->have);
	f->have = f->want = 0;
	f->hold_meta = false;
	f->run = 0;
	f->raw = true;
	f->mode = MF_RAW;
}

void mf_end(struct media_filter *f)
{
	f->have = f->want = 0;
	f->hold_meta = false;
	f->done = true;
	f->mode = MF_TAIL;
}

void mf_scan(struct media_filter *f)
{
	f->have = f->want = 0;
	f->mode = MF_SCAN;
}

/* ---- the engine ---- */

/* Runs the parser over p[0..n); with n == 0 it still completes a step whose bytes are all
 * there. */
static void process(struct media_filter *f, const unsigned char *p, size_t n)
{
	while (!f->failed) {
		if (f->mode == MF_RAW) {
			mf_pass(f, p, n);
			return;
		}
		if (f->run) {
			if (n == 0)
				return;
			size_t k = f->run < n ? (size_t)f->run : n;
			if (f->run_kind == MF_PASS)
				mf_pass(f, p, k);
			else if (f->run_kind == MF_ZERO)
				mf_zeros(f, k);
			f->run -= k;
			p += k;
			n -= k;
			continue;
		}
		if (f->mode == MF_TAIL) {
			if (n)
				f->removed |= MR_OTHER;
			return;
		}
		if (f->mode == MF_SCAN) {
			if (n == 0)
				return;
			size_t k = f->scan(f, p, n);
			if (k == 0 || k > n) { /* a format bug: stop interpreting */
				mf_raw(f);
				continue;
			}
			p += k;
			n -= k;
			continue;
		}
		/* MF_COLLECT */
		if (f->have < f->want) {
			if (n == 0)
				return;
			size_t k = f->want - f->have;
			if (k > n)
				k = n;
			memcpy(f->buf + f->have, p, k);
			f->have += k;
			p += k;
			n -= k;
			if (f->have < f->want)
				return;
		}
		f->step(f);
	}
}

struct media_filter *media_filter_new(enum media_type t)
{
	void (*init)(struct media_filter *);
	switch (t) {
	case MT_JPEG: init = mf_jpeg_init; break;
	case MT_PNG: init = mf_png_init; break;
	case MT_WEBP: init = mf_webp_init; break;
	case MT_GIF: init = mf_gif_init; break;
	case MT_HEIC:
	case MT_HEIF:
	case MT_MP4:
	case MT_MOV:
	case MT_3GP:
	case MT_M4A: init = mf_bmff_init; break;
	case MT_MP3: init = mf_mp3_init; break;
	case MT_OGG: init = mf_ogg_init; break;
	case MT_WAV: init = mf_wav_init; break;
	case MT_PDF: init = mf_pdf_init; break;
	case MT_DOCX:
	case MT_XLSX:
	case MT_PPTX:
	case MT_ODT:
	case MT_ODS: init = mf_office_init; break;
	default: return NULL;
	}
	struct media_filter *f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	init(f);
	return f;
}

int media_filter_feed(struct media_filter *f, const unsigned char *p, size_t n, media_emit emit,
                      void *arg)
{
	if (f->failed)
		return -1;
	f->emit = emit;
	f->arg = arg;
	process(f, p, n);
	flush(f);
	f->out_p = NULL;
	return f->failed ? -1 : 0;
}

int media_filter_finish(struct media_filter *f, media_emit emit, void *arg)
{
	if (f->failed)
		return -1;
	f->emit = emit;
	f->arg = arg;
	process(f, NULL, 0);
	if (f->mode == MF_SCAN && f->scan)
		f->scan(f, NULL, 0); /* lets it emit what it held back, and end */
	if (f->mode == MF_COLLECT && f->may_end && !f->run) { /* between two top-level blocks */
		if (f->have && !f->hold_meta) /* less than a header: nothing it could hide */
			mf_emit(f, f->buf, f->have);
		mf_end(f);
	}
	if (f->have && !f->hold_meta)
		mf_emit(f, f->buf, f->have);
	if (f->mode != MF_TAIL || f->run)
		f->done = false; /* ended inside the structure */
	f->have = f->want = 0;
	f->run = 0;
	f->mode = f->done ? MF_TAIL : MF_RAW;
	flush(f);
	return f->failed ? -1 : 0;
}

bool media_filter_cleaned(const struct media_filter *f)
{
	return f->done && !f->raw && !f->failed;
}

unsigned media_filter_removed(const struct media_filter *f)
{
	return f->removed;
}

void media_removed_names(unsigned removed, const char *names[9])
{
	static const char *const all[8] = {"gps",      "device",   "author", "timestamps",
	                                   "xmp",      "comments", "iptc",   "other"};
	size_t k = 0;
	for (unsigned i = 0; i < 8; i++)
		if (removed & (1u << i))
			names[k++] = all[i];
	names[k] = NULL;
}

void media_filter_free(struct media_filter *f)
{
	if (f && f->heap) {
		explicit_bzero(f->heap, f->heap_cap); /* a document's plaintext */
		free(f->heap);
	}
	free(f);
}

/* ---- byte order ---- */

uint32_t mf_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t mf_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* ---- Exif ---- */

struct tiff {
	const unsigned char *p;
	size_t n;
	bool be;
};

static unsigned rd16(const struct tiff *t, size_t off)
{
	const unsigned char *q = t->p + off;
	return t->be ? (unsigned)(q[0] << 8 | q[1]) : (unsigned)(q[1] << 8 | q[0]);
}

static uint32_t rd32(const struct tiff *t, size_t off)
{
	return t->be ? mf_be32(t->p + off) : mf_le32(t->p + off);
}

static void wr16(unsigned char *q, unsigned v, bool be)
{
	q[be ? 0 : 1] = (unsigned char)(v >> 8);
	q[be ? 1 : 0] = (unsigned char)v;
}

static void wr32(unsigned char *q, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		q[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* What a tag tells was removed; 0 for the structural tags that say nothing about the
 * picture's origin (and Orientation, which is kept). */
static unsigned tag_class(unsigned tag)
{
	switch (tag) {
	case 0x8825: /* GPS IFD */
		return MR_GPS;
	case 0x010F: /* Make */
	case 0x0110: /* Model */
	case 0x0131: /* Software */
	case 0x013C: /* HostComputer */
	case 0x927C: /* MakerNote (serial numbers, often a position) */
	case 0xA430: /* CameraOwnerName */
	case 0xA431: /* BodySerialNumber */
	case 0xA433: /* LensMake */
	case 0xA434: /* LensModel */
	case 0xA435: /* LensSerialNumber */
	case 0xC614: /* UniqueCameraModel */
		return MR_DEVICE;
	case 0x013B: /* Artist */
	case 0x8298: /* Copyright */
	case 0x9C9D: /* XPAuthor */
		return MR_AUTHOR;
	case 0x0132: /* DateTime */
	case 0x9003: /* DateTimeOriginal */
	case 0x9004: /* DateTimeDigitized */
	case 0x9010: /* OffsetTime */
	case 0x9011: /* OffsetTimeOriginal */
	case 0x9012: /* OffsetTimeDigitized */
	case 0x9290: /* SubSecTime */
	case 0x9291: /* SubSecTimeOriginal */
	case 0x9292: /* SubSecTimeDigitized */
		return MR_TIMESTAMPS;
	case 0x010E: /* ImageDescription */
	case 0x9286: /* UserComment */
	case 0x9C9B: /* XPTitle */
	case 0x9C9C: /* XPComment */
	case 0x9C9E: /* XPKeywords */
	case 0x9C9F: /* XPSubject */
		return MR_COMMENTS;
	case 0x02BC: /* XMP */
		return MR_XMP;
	case 0x83BB: /* IPTC */
		return MR_IPTC;
	case 0x0112: /* Orientation */
	case 0x8769: /* Exif IFD */
	case 0xA005: /* Interoperability IFD */
	case 0x011A: /* XResolution */
	case 0x011B: /* YResolution */
	case 0x0128: /* ResolutionUnit */
	case 0x0213: /* YCbCrPositioning */
	case 0x9000: /* ExifVersion */
	case 0x9101: /* ComponentsConfiguration */
	case 0xA000: /* FlashpixVersion */
	case 0xA001: /* ColorSpace */
	case 0xA002: /* PixelXDimension */
	case 0xA003: /* PixelYDimension */
		return 0;
	default:
		return MR_OTHER;
	}
}

/* Reads the IFD at off: its bits, and (for IFD0) Orientation, the Exif IFD offset and
 * whether another IFD follows. Returns false when it is not all inside the block. */
static bool read_ifd(const struct tiff *t, uint32_t off, unsigned *bits, unsigned *orientation,
                     uint32_t *exif_ifd, bool *next)
{
	if (off < 8 || off > t->n || t->n - off < 2)
		return false;
	unsigned count = rd16(t, off);
	size_t entries = (size_t)off + 2;
	if ((t->n - entries) / 12 < count)
		return false;
	for (unsigned i = 0; i < count; i++) {
		size_t e = entries + (size_t)i * 12;
		unsigned tag = rd16(t, e), type = rd16(t, e + 2);
		uint32_t cnt = rd32(t, e + 4);
		*bits |= tag_class(tag);
		if (orientation && tag == 0x0112 && type == 3 && cnt == 1) {
			unsigned v = rd16(t, e + 8);
			if (v >= 1 && v <= 8)
				*orientation = v;
		}
		if (exif_ifd && tag == 0x8769 && (type == 4 || type == 13) && cnt == 1)
			*exif_ifd = rd32(t, e + 8);
	}
	if (next) {
		size_t after = entries + (size_t)count * 12;
		*next = t->n - after >= 4 && rd32(t, after) != 0;
	}
	return true;
}

unsigned mf_exif(const unsigned char *p, size_t n, unsigned *orientation, bool *big_endian)
{
	*orientation = 0;
	*big_endian = false;
	if (n >= 6 && memcmp(p, "Exif\0", 5) == 0) {
		p += 6;
		n -= 6;
	}
	struct tiff t = {p, n, false};
	if (n < 8)
		return MR_OTHER;
	if (memcmp(p, "MM\0*", 4) == 0)
		t.be = true;
	else if (memcmp(p, "II*\0", 4) != 0)
		return MR_OTHER;
	*big_endian = t.be;
	unsigned bits = 0;
	uint32_t exif_ifd = 0;
	bool next = false;
	if (!read_ifd(&t, rd32(&t, 4), &bits, orientation, &exif_ifd, &next))
		return bits | MR_OTHER;
	if (next)
		bits |= MR_OTHER; /* IFD1: a thumbnail, perhaps of the picture before it was edited */
	if (exif_ifd && !read_ifd(&t, exif_ifd, &bits, NULL, NULL, NULL))
		bits |= MR_OTHER;
	return bits;
}

void mf_tiff_orientation(unsigned char out[MF_TIFF_MIN], unsigned orientation, bool be)
{
	memcpy(out, be ? "MM\0*" : "II*\0", 4);
	wr32(out + 4, 8, be);           /* IFD0 at 8 */
	wr16(out + 8, 1, be);           /* one entry */
	wr16(out + 10, 0x0112, be);     /* Orientation */
	wr16(out + 12, 3, be);          /* SHORT */
	wr32(out + 14, 1, be);          /* count 1 */
	wr16(out + 18, orientation, be); /* value, left-justified */
	wr16(out + 20, 0, be);
	wr32(out + 22, 0, be);          /* no next IFD */
}
