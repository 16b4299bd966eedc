/* filter.h: streaming, lossless removal of identifying metadata (GPS, device, author, times…) from evidence pictures, sound, video and documents; written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/filter_fuzz.c). */
/*
 * A filter reads a file in pieces of any size and writes, through a callback, the same file
 * without its metadata: the picture data is passed through byte for byte and never held. It
 * holds at most one header or metadata block (64 KiB + a little), whatever the file's size.
 *
 * Per format (details at the top of each file):
 *   JPEG (jpeg.c)  drops APP1 Exif/XMP, APP13, COM, APPn other than APP0 JFIF, APP2 ICC and
 *                  APP14 Adobe, and all bytes after EOI; an Exif Orientation is kept in a
 *                  minimal Exif segment put where the Exif was.
 *   PNG  (png.c)   drops tEXt, zTXt, iTXt, tIME, eXIf (an Orientation is kept in a minimal
 *                  eXIf), and all bytes after IEND.
 *   WebP (webp.c)  overwrites EXIF and XMP chunks in place (same sizes, so the RIFF size
 *                  stays right without holding the file), and drops bytes after the RIFF.
 *   GIF  (gif.c)   drops Comment, unknown and Application extensions other than looping
 *                  (NETSCAPE2.0, ANIMEXTS1.0) and ICC (ICCRGBG1012), and bytes after the
 *                  trailer.
 *   ISO BMFF (bmff.c: MP4, MOV, 3GP, M4A, HEIC, HEIF)  turns udta, meta other than a
 *                  top-level (HEIF item) meta, and XMP uuid boxes into 'free' boxes of zeros
 *                  (same sizes, so every offset stays valid); zeroes the creation and
 *                  modification times of mvhd, tkhd and mdhd; zeroes the bytes of Exif and
 *                  XMP items (found through iinf and iloc) as they stream past.
 *   MP3  (mp3.c)   drops ID3v2 tags at the start and ID3v1, TAG+, APEv2 and appended ID3v2
 *                  tags at the end (the last MF_BUF bytes are held back to find them).
 *   Ogg  (ogg.c)   reduces the Opus or Vorbis comment header to its vendor string, rewriting
 *                  that one page with a new CRC (page sequence numbers are kept).
 *   WAV  (wav.c)   turns LIST/INFO, LIST/adtl, id3, bext, iXML, cart, DISP and _PMX (XMP)
 *                  chunks into JUNK chunks of zeros (same sizes); drops bytes after the RIFF.
 *   PDF  (pdf.c)   blanks the string values of the document information dictionary and the
 *                  data of uncompressed XMP metadata streams in place (same lengths, so the
 *                  cross-reference offsets stay valid).
 *   Office (office.c: DOCX, XLSX, PPTX, ODT, ODS)  buffers the whole archive (at most
 *                  MF_OFFICE_MAX) and rewrites it with libzip: docProps/core.xml, app.xml and
 *                  custom.xml, or meta.xml, become empty property sets; entry times, extra
 *                  fields and comments go. The only filter that holds a whole file.
 * Malformed input never fails: from where the structure stops making sense the rest passes
 * through unchanged and the filter says it is not cleaned.
 */
#ifndef PELUIT_FILTER_H
#define PELUIT_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "media/sniff.h"

/* What was found and removed (media_filter_removed). */
enum media_removed {
	MR_GPS = 1,
	MR_DEVICE = 2,
	MR_AUTHOR = 4,
	MR_TIMESTAMPS = 8,
	MR_XMP = 16,
	MR_COMMENTS = 32,
	MR_IPTC = 64,
	MR_OTHER = 128
};

/* Receives output as it is decided; returns 0, or -1 to stop the filter. */
typedef int (*media_emit)(void *arg, const unsigned char *p, size_t n);

struct media_filter;

/* Office documents larger than this are stored as they are (not cleaned): libzip needs the
 * whole archive in memory. */
#define MF_OFFICE_MAX (32u << 20)

/* A filter for type t, or NULL when there is none for that type (the file is then stored as
 * is) or memory ran out. */
struct media_filter *media_filter_new(enum media_type t);

/* Feeds input in any piece sizes; output goes to emit as it is decided (all of it before
 * this returns, except bytes that must be held to decide). Returns 0, or -1 when emit failed
 * (now or in an earlier call: a stopped filter stays stopped and emits nothing more).
 * Malformed input never fails: from the point where the structure stops making sense the
 * filter passes the rest through unchanged and marks itself not cleaned. */
int media_filter_feed(struct media_filter *f, const unsigned char *p, size_t n, media_emit emit,
                      void *arg);

/* End of input: flushes what is held (except a partly read metadata block, which is
 * dropped). A file that ends before its structure does is not cleaned. Returns 0 or -1
 * (emit failed). */
int media_filter_finish(struct media_filter *f, media_emit emit, void *arg);

/* True when the whole file was understood, up to its proper end (after finish). */
bool media_filter_cleaned(const struct media_filter *f);

/* MR_* bits of what was found and removed. */
unsigned media_filter_removed(const struct media_filter *f);

/* "gps", "device", "author", "timestamps", "xmp", "comments", "iptc", "other" for each bit
 * set, in that order, into a NULL-terminated array of at most 9. */
void media_removed_names(unsigned removed, const char *names[9]);

void media_filter_free(struct media_filter *f);

#ifdef MEDIA_FILTER_INTERNAL
/* ---- Shared by the filters of src/media/ only. ----
 *
 * The engine (filter.c) runs a format's parser over the input. The parser never sees the
 * input pieces: it asks the engine for the next `want` bytes gathered in buf (then its step
 * is called), or for a run of bytes to pass, drop or overwrite with zeros (no step is called;
 * the run is counted down over as many pieces as it takes), or, for data whose end is only
 * found by reading it (JPEG entropy-coded data, GIF sub-blocks), to call its scan function
 * on the pieces directly. Passed bytes are emitted straight from the caller's pieces, with
 * neighbouring runs joined into one emit call. */
#include <stdint.h>

#define MF_BUF (65536 + 64) /* the largest held block: a JPEG segment or a 64 KiB Exif */

enum mf_mode {
	MF_COLLECT, /* gather buf[have..want), then call step */
	MF_SCAN,    /* hand pieces to scan */
	MF_RAW,     /* malformed: pass everything through */
	MF_TAIL     /* past the proper end: drop everything (counted as MR_OTHER) */
};

enum mf_run { MF_PASS, MF_DROP, MF_ZERO };

struct media_filter {
	void (*step)(struct media_filter *f);
	size_t (*scan)(struct media_filter *f, const unsigned char *p, size_t n); /* > 0 */
	enum mf_mode mode;
	uint64_t run; /* bytes to pass, drop or zero before the mode applies */
	enum mf_run run_kind;
	size_t have, want;
	bool hold_meta; /* the held bytes are part of metadata: dropped if the input ends */
	bool failed;    /* emit failed */
	bool done;      /* the proper end was reached */
	bool raw;       /* fell back to passing through (or, set alone, saw what it could not clean) */
	bool may_end;   /* set after mf_collect: the input may properly end here, even part way
	                 * into the header being gathered (fewer bytes than a header hide nothing) */
	void *heap;     /* a format's own allocation of heap_cap bytes, wiped and freed with the filter */
	size_t heap_cap;
	unsigned removed;
	int state; /* the format's own */
	union {
		struct {
			bool ff;          /* scan: the last byte was an unemitted 0xFF */
			bool orient_done; /* an Orientation segment was emitted */
			size_t body;      /* segment length less its 2 length bytes */
		} jpeg;
		struct {
			uint32_t len;
			bool orient_done;
		} png;
		struct {
			uint64_t pos, end; /* offset of the next chunk; end of the RIFF */
			uint32_t size;
		} webp;
		struct {
			unsigned sub_left; /* bytes left in the current sub-block */
			bool keep;         /* pass the sub-blocks (else drop) */
		} gif;
		struct mf_bmff {
			uint64_t pos;          /* offset of the next byte the parser sees */
			uint64_t end[8];       /* ends of the open containers; end[0] is the file's */
			uint32_t type[8];
			int depth;
			uint64_t box_end, zend, region_end;
			size_t iloc_len;       /* an iloc held in heap until iinf comes */
			bool iinf_seen;
			unsigned nitems, nranges, item_kind;
			struct { uint32_t id; unsigned kind; } items[16];
			struct { uint64_t start, len; unsigned kind; } ranges[32];
		} bmff;
		struct {
			size_t head, len;      /* the held-back tail: a ring in buf */
			uint64_t tag_left;     /* bytes of the leading ID3v2 tag still to drop */
			unsigned version;
		} mp3;
		struct {
			unsigned nstreams;
			struct { uint32_t serial; unsigned codec, packets; bool open; } s[8];
		} ogg;
		struct {
			uint64_t pos, end, sub_end;
			uint32_t size;
		} wav;
		struct mf_pdf {
			int lex;                 /* the lexer's state (pdf.c) */
			int depth;               /* << >> depth of the held dictionary */
			unsigned str_depth;      /* ( ) depth of a literal string */
			bool esc, hold, just_closed, bad, encrypted, eof_seen;
			size_t held;             /* bytes of the held dictionary in buf */
			int stream;              /* in stream data: 1 pass, 2 blank (XMP) */
			uint64_t stream_left;    /* of a stream of known length */
			bool len_known;
			unsigned match;          /* bytes of "endstream" matched */
			char tok[16];
			unsigned tokn;
			long long num[2];        /* the last two integer tokens */
			unsigned nums;
			int after;               /* the last meaningful token: obj, /Info */
			long long obj;
			struct { bool xmp, len_known, filter; uint64_t len; } next;
			long long info_ref[16], info_seen[16];
			unsigned ninfo_ref, ninfo_seen;
		} pdf;
		struct {
			size_t len, cap;
			bool over;
		} office;
	} u;
	/* output */
	media_emit emit;
	void *arg;
	const unsigned char *out_p; /* a run of the current piece still to be emitted */
	size_t out_n;
	unsigned char buf[MF_BUF];
};

/* Engine services for the formats. */
void mf_emit(struct media_filter *f, const void *p, size_t n); /* emit now, after pending */
void mf_pass(struct media_filter *f, const unsigned char *p, size_t n); /* from a piece */
void mf_collect(struct media_filter *f, size_t want);   /* buf from empty up to want */
void mf_more(struct media_filter *f, size_t want);      /* keep buf, gather up to want */
void mf_run(struct media_filter *f, uint64_t n, enum mf_run kind); /* then the mode */
void mf_raw(struct media_filter *f);  /* emit what is held unchanged; pass the rest */
void mf_end(struct media_filter *f);  /* proper end reached; drop what follows */
void mf_scan(struct media_filter *f); /* hand the next pieces to the scan function */
void mf_zeros(struct media_filter *f, size_t n); /* emit n zero bytes now */

/* Exif (a TIFF structure, optionally after "Exif\0\0"): the MR_* bits of what it holds
 * (MR_OTHER when it cannot be read), its IFD0 Orientation (1..8, else 0) and byte order. */
unsigned mf_exif(const unsigned char *p, size_t n, unsigned *orientation, bool *big_endian);
/* A minimal TIFF holding only IFD0 Orientation: MF_TIFF_MIN bytes into out. */
#define MF_TIFF_MIN 26
void mf_tiff_orientation(unsigned char out[MF_TIFF_MIN], unsigned orientation, bool big_endian);

uint32_t mf_be32(const unsigned char *p);
uint32_t mf_le32(const unsigned char *p);

void mf_jpeg_init(struct media_filter *f);
void mf_png_init(struct media_filter *f);
void mf_webp_init(struct media_filter *f);
void mf_gif_init(struct media_filter *f);
void mf_bmff_init(struct media_filter *f);
void mf_mp3_init(struct media_filter *f);
void mf_ogg_init(struct media_filter *f);
void mf_wav_init(struct media_filter *f);
void mf_pdf_init(struct media_filter *f);
void mf_office_init(struct media_filter *f);
#endif

#endif
