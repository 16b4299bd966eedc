/* sniff.c: evidence types from leading bytes; written here, as no Debian library sniffs these types from bytes with the precision needed, and fuzzed (fuzz/sniff_fuzz.c). */
/*
 * Every reader below takes (p, n) and checks the length before each access, with the
 * comparisons arranged so that no sum can overflow: lengths read from the file are compared
 * against what is left of the buffer, never added to an offset first. Signatures anchored at
 * offset 0 are tried first; a file that carries one of the container signatures (ZIP, RIFF,
 * ISO BMFF, Ogg, TAR) is decided by that container and never falls through to the PDF search
 * or the text test, so that a PDF stored inside a ZIP or TAR is not taken for a PDF.
 */
#include <stdint.h>
#include <string.h>

#include "media/sniff.h"

static const struct {
	const char *mime;
	const char *ext;
} types[MT_COUNT] = {
	[MT_UNKNOWN] = {NULL, NULL},
	[MT_JPEG] = {"image/jpeg", "jpg"},
	[MT_PNG] = {"image/png", "png"},
	[MT_WEBP] = {"image/webp", "webp"},
	[MT_GIF] = {"image/gif", "gif"},
	[MT_HEIC] = {"image/heic", "heic"},
	[MT_HEIF] = {"image/heif", "heif"},
	[MT_MP4] = {"video/mp4", "mp4"},
	[MT_MOV] = {"video/quicktime", "mov"},
	[MT_3GP] = {"video/3gpp", "3gp"},
	[MT_M4A] = {"audio/mp4", "m4a"},
	[MT_MP3] = {"audio/mpeg", "mp3"},
	[MT_OGG] = {"audio/ogg", "ogg"},
	[MT_WAV] = {"audio/wav", "wav"},
	[MT_PDF] = {"application/pdf", "pdf"},
	[MT_DOCX] = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
	[MT_XLSX] = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
	[MT_PPTX] = {"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	             "pptx"},
	[MT_ODT] = {"application/vnd.oasis.opendocument.text", "odt"},
	[MT_ODS] = {"application/vnd.oasis.opendocument.spreadsheet", "ods"},
	[MT_TEXT] = {"text/plain", "txt"},
};

const char *media_mime(enum media_type t)
{
	if ((int)t <= (int)MT_UNKNOWN || (int)t >= MT_COUNT)
		return NULL;
	return types[t].mime;
}

const char *media_extension(enum media_type t)
{
	if ((int)t <= (int)MT_UNKNOWN || (int)t >= MT_COUNT)
		return NULL;
	return types[t].ext;
}

/* ---- small helpers ---- */

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* p[off .. off+len) equals s (len = strlen(s)), within n. */
static bool at(const unsigned char *p, size_t n, size_t off, const char *s)
{
	size_t len = strlen(s);
	return off <= n && len <= n - off && memcmp(p + off, s, len) == 0;
}

/* The first occurrence of s in p[from .. limit), limit <= n; SIZE_MAX if none. */
static size_t find(const unsigned char *p, size_t from, size_t limit, const char *s)
{
	size_t len = strlen(s);
	if (limit < len)
		return SIZE_MAX;
	for (size_t i = from; i <= limit - len; i++)
		if (p[i] == (unsigned char)s[0] && memcmp(p + i, s, len) == 0)
			return i;
	return SIZE_MAX;
}

/* ---- ISO base media file format (MP4, MOV, 3GP, M4A, HEIC, HEIF) ---- */

/* What a four-character brand says, or MT_UNKNOWN. */
static enum media_type brand_type(const unsigned char *b)
{
	static const struct {
		char brand[5];
		enum media_type type;
	} exact[] = {
		{"heic", MT_HEIC}, {"heix", MT_HEIC}, {"heim", MT_HEIC}, {"heis", MT_HEIC},
		{"hevc", MT_HEIC}, {"hevx", MT_HEIC}, {"hevm", MT_HEIC}, {"hevs", MT_HEIC},
		{"mif1", MT_HEIF}, {"msf1", MT_HEIF}, {"mif2", MT_HEIF},
		{"qt  ", MT_MOV},
		{"M4A ", MT_M4A}, {"M4B ", MT_M4A},
		{"isom", MT_MP4}, {"avc1", MT_MP4}, {"dash", MT_MP4}, {"M4V ", MT_MP4},
		{"M4VH", MT_MP4}, {"M4VP", MT_MP4}, {"f4v ", MT_MP4}, {"mmp4", MT_MP4},
		{"MSNV", MT_MP4},
	};
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (memcmp(b, exact[i].brand, 4) == 0)
			return exact[i].type;
	if (b[0] == '3' && b[1] == 'g') /* 3gp4…3gp6, 3g2a…, 3ge6, 3gs7 …: all 3GPP */
		return MT_3GP;
	if (b[0] == 'm' && b[1] == 'p' && b[2] == '4') /* mp41, mp42, mp71 … */
		return MT_MP4;
	if (b[0] == 'i' && b[1] == 's' && b[2] == 'o' && b[3] >= '2' && b[3] <= '9')
		return MT_MP4;
	return MT_UNKNOWN;
}

/* Brands of formats built on the same box structure that are not accepted: their compatible
 * brands (mif1 in an AVIF, mp42 in a Canon raw) must not make them pass for one that is. */
static bool foreign_brand(const unsigned char *b)
{
	static const char foreign[][5] = {"avif", "avis", "avio", "crx ", "jp2 ", "jpx ", "jpm ",
	                                  "mjp2", "mj2s", "jph ", "jhc "};
	for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
		if (memcmp(b, foreign[i], 4) == 0)
			return true;
	return false;
}

/* p[4..8) is "ftyp". The box: size(4) "ftyp" major(4) minor-version(4) compatible(4)*. */
static enum media_type sniff_ftyp(const unsigned char *p, size_t n)
{
	uint32_t size = be32(p);
	if (size < 16 || n < 12)
		return MT_UNKNOWN;
	size_t end = size < n ? size : n;
	const unsigned char *major = p + 8;
	if (foreign_brand(major))
		return MT_UNKNOWN;
	for (size_t o = 16; o + 4 <= end; o += 4)
		if (foreign_brand(p + o))
			return MT_UNKNOWN;
	enum media_type t = brand_type(major);
	if (t != MT_UNKNOWN)
		return t;
	/* An unknown major brand (XAVC, a vendor's own …): the first compatible brand known. */
	for (size_t o = 16; o + 4 <= end; o += 4) {
		t = brand_type(p + o);
		if (t != MT_UNKNOWN)
			return t;
	}
	return MT_UNKNOWN;
}

/* ---- MPEG audio ---- */

struct mpeg_frame {
	unsigned version; /* the two header bits: 0 MPEG-2.5, 2 MPEG-2, 3 MPEG-1 */
	unsigned layer;   /* the two header bits: 1 Layer III, 2 Layer II, 3 Layer I */
	unsigned rate;    /* sample-rate index */
	size_t length;    /* bytes, header included */
};

/* A valid MPEG audio frame header at h[0..4): sync, no reserved version, layer, bitrate,
 * sample rate or emphasis, and not free-format (its length could not be checked). */
static bool mpeg_header(const unsigned char *h, struct mpeg_frame *f)
{
	static const unsigned short kbps[2][3][15] = {
		{ /* MPEG-1 */
			{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
			{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
			{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
		},
		{ /* MPEG-2 and 2.5 */
			{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		},
	};
	static const unsigned hz[4][3] = {
		{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000},
	};
	if (h[0] != 0xFF || (h[1] & 0xE0) != 0xE0)
		return false;
	unsigned version = (h[1] >> 3) & 3, layer = (h[1] >> 1) & 3;
	unsigned bitrate = h[2] >> 4, rate = (h[2] >> 2) & 3, padding = (h[2] >> 1) & 1;
	if (version == 1 || layer == 0 || bitrate == 0 || bitrate == 15 || rate == 3 ||
	    (h[3] & 3) == 2)
		return false;
	unsigned long bps = kbps[version == 3 ? 0 : 1][3 - layer][bitrate] * 1000UL;
	unsigned long sr = hz[version][rate];
	size_t length;
	if (layer == 3)
		length = (size_t)((12 * bps / sr + padding) * 4);
	else if (layer == 1 && version != 3)
		length = (size_t)(72 * bps / sr + padding);
	else
		length = (size_t)(144 * bps / sr + padding);
	f->version = version;
	f->layer = layer;
	f->rate = rate;
	f->length = length;
	return true;
}

/* A frame at offset 0, and where the buffer reaches the next header, a matching frame there.
 * A complete file must hold at least the whole first frame. */
static bool mpeg_audio(const unsigned char *p, size_t n, bool complete)
{
	struct mpeg_frame first, second;
	if (n < 4 || !mpeg_header(p, &first))
		return false;
	if (first.length > n)
		return !complete;
	if (n - first.length < 4)
		return true;
	return mpeg_header(p + first.length, &second) && second.version == first.version &&
	       second.layer == first.layer && second.rate == first.rate;
}

/* An ID3v2 header: "ID3", version 2 to 4, a revision, flags without the undefined low bits,
 * and a size of four 7-bit bytes. */
static bool id3_header(const unsigned char *p, size_t n)
{
	if (n < 10 || memcmp(p, "ID3", 3) != 0)
		return false;
	if (p[3] < 2 || p[3] > 4 || p[4] == 0xFF || (p[5] & 0x0F) != 0)
		return false;
	return (p[6] | p[7] | p[8] | p[9]) < 0x80;
}

/* ---- ZIP: OpenDocument and Office Open XML ---- */

enum { ZIP_LOCAL = 30 }; /* fixed part of a local file header */

static bool zip_local_at(const unsigned char *p, size_t n, size_t off)
{
	return at(p, n, off, "PK\x03\x04") && n - off >= ZIP_LOCAL;
}

/* The first entry is "mimetype" (the caller saw it): stored, and its content one of the two
 * accepted OpenDocument types. */
static enum media_type sniff_odf(const unsigned char *p, size_t n)
{
	static const struct {
		const char *mime;
		enum media_type type;
	} odf[] = {
		{"application/vnd.oasis.opendocument.text", MT_ODT},
		{"application/vnd.oasis.opendocument.spreadsheet", MT_ODS},
	};
	uint16_t flags = le16(p + 6), method = le16(p + 8);
	uint32_t csize = le32(p + 18), usize = le32(p + 22);
	size_t data = ZIP_LOCAL + 8 + (size_t)le16(p + 28);
	if (method != 0)
		return MT_UNKNOWN;
	for (size_t i = 0; i < sizeof odf / sizeof odf[0]; i++) {
		size_t len = strlen(odf[i].mime);
		if (!at(p, n, data, odf[i].mime))
			continue;
		if (csize == len && usize == len)
			return odf[i].type;
		/* Written as a stream: sizes follow the data, so the next signature ends it. */
		if ((flags & 8) && csize == 0 && at(p, n, data + len, "PK"))
			return odf[i].type;
	}
	return MT_UNKNOWN;
}

static bool has_prefix(const unsigned char *name, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);
	return len >= plen && memcmp(name, prefix, plen) == 0;
}

/* Walks the local headers from offset 0. [Content_Types].xml marks an Office Open XML
 * package but does not say which kind, so the walk goes on past it; the first name under
 * word/, xl/ or ppt/ decides. Any other ZIP, or one whose telling entry lies beyond the
 * buffer, is MT_UNKNOWN. */
static enum media_type sniff_ooxml(const unsigned char *p, size_t n)
{
	size_t off = 0;
	while (zip_local_at(p, n, off)) {
		uint16_t flags = le16(p + off + 6);
		uint32_t csize = le32(p + off + 18);
		size_t nlen = le16(p + off + 26), xlen = le16(p + off + 28);
		size_t name = off + ZIP_LOCAL;
		if (nlen > n - name)
			break;
		const unsigned char *nm = p + name;
		if (has_prefix(nm, nlen, "word/"))
			return MT_DOCX;
		if (has_prefix(nm, nlen, "xl/"))
			return MT_XLSX;
		if (has_prefix(nm, nlen, "ppt/"))
			return MT_PPTX;
		if (xlen > n - name - nlen)
			break;
		size_t data = name + nlen + xlen;
		bool streamed = (flags & 8) && csize == 0;
		if (streamed || csize == 0xFFFFFFFFu) {
			/* Size unknown here (in a trailing descriptor or a ZIP64 field): the next
			 * local header is the next signature. A false match inside compressed data
			 * only costs a wrong name, which is checked like any other. */
			off = find(p, data, n, "PK\x03\x04");
			if (off == SIZE_MAX)
				break;
			continue;
		}
		if (csize > n - data)
			break;
		off = data + csize;
		if ((flags & 8) && !zip_local_at(p, n, off)) {
			/* A data descriptor (12 to 24 bytes, with or without its signature). */
			size_t limit = n - off < 28 ? n : off + 28;
			off = find(p, off, limit, "PK\x03\x04");
			if (off == SIZE_MAX)
				break;
		}
	}
	return MT_UNKNOWN;
}

static enum media_type sniff_zip(const unsigned char *p, size_t n)
{
	if (!zip_local_at(p, n, 0))
		return MT_UNKNOWN;
	if (le16(p + 26) == 8 && at(p, n, ZIP_LOCAL, "mimetype"))
		return sniff_odf(p, n);
	return sniff_ooxml(p, n);
}

/* ---- plain text ---- */

/* Valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF; a sequence cut by
 * the end of an incomplete buffer is accepted), no NUL, and at most 1% control characters
 * other than tab, line feed, form feed and carriage return (DEL and C1 count as control). */
static bool plain_text(const unsigned char *p, size_t n, bool complete)
{
	size_t controls = 0;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c < 0x80) {
			if (c == 0)
				return false;
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') || c == 0x7F)
				controls++;
			i++;
			continue;
		}
		size_t len;
		unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0; /* overlong */
			else if (c == 0xED)
				hi = 0x9F; /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90; /* overlong */
			else if (c == 0xF4)
				hi = 0x8F; /* above U+10FFFF */
		} else {
			return false; /* continuation byte, C0/C1 overlong lead, F5..FF */
		}
		for (size_t k = 1; k < len; k++) {
			if (i + k >= n) {
				if (complete)
					return false;
				i = n; /* cut at the end of what was read */
				break;
			}
			unsigned char b = p[i + k];
			if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
				return false;
		}
		if (i == n)
			break;
		if (c == 0xC2 && p[i + 1] < 0xA0)
			controls++; /* U+0080..U+009F */
		i += len;
	}
	return controls <= n / 100;
}

/* ---- the sniffer ---- */

enum media_type media_sniff(const unsigned char *p, size_t n, bool complete)
{
	if (p == NULL || n == 0)
		return MT_UNKNOWN;
	if (n > SNIFF_BYTES) { /* the same answer however much the caller happened to read */
		n = SNIFF_BYTES;
		complete = false;
	}
	if (at(p, n, 0, "\xFF\xD8\xFF"))
		return MT_JPEG;
	if (at(p, n, 0, "\x89PNG\r\n\x1A\n"))
		return MT_PNG;
	if (at(p, n, 0, "GIF87a") || at(p, n, 0, "GIF89a"))
		return MT_GIF;
	if (at(p, n, 0, "RIFF") && n >= 12) {
		if (at(p, n, 8, "WEBP"))
			return MT_WEBP;
		if (at(p, n, 8, "WAVE"))
			return MT_WAV;
		return MT_UNKNOWN; /* AVI, CDR, … */
	}
	if (at(p, n, 4, "ftyp"))
		return sniff_ftyp(p, n);
	if (at(p, n, 0, "OggS"))
		return MT_OGG;
	if (at(p, n, 0, "PK\x03\x04"))
		return sniff_zip(p, n);
	if (id3_header(p, n) || mpeg_audio(p, n, complete))
		return MT_MP3;
	if (at(p, n, 257, "ustar"))
		return MT_UNKNOWN; /* a TAR archive, which may well hold a PDF at offset 512 */
	/* "%PDF-" and a version digit within the first 1024 bytes, as PDF readers accept it. */
	size_t limit = n < 1024 ? n : 1024;
	for (size_t from = 0;;) {
		size_t pdf = find(p, from, limit, "%PDF-");
		if (pdf == SIZE_MAX)
			break;
		if (pdf + 5 < n ? (p[pdf + 5] >= '1' && p[pdf + 5] <= '9') : !complete)
			return MT_PDF;
		from = pdf + 1;
	}
	if (plain_text(p, n, complete))
		return MT_TEXT;
	return MT_UNKNOWN;
}
