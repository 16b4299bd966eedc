/* test_sniff.c: evidence type recognition from leading bytes (media/sniff.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media/sniff.h"

/* ---- helpers ---- */

/* Sniffs a private copy of exactly n bytes, so that AddressSanitizer reports any read past
 * the end. */
static enum media_type sniff(const void *data, size_t n, bool complete)
{
	unsigned char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	if (n)
		memcpy(copy, data, n);
	enum media_type t = media_sniff(copy, n, complete);
	free(copy);
	return t;
}

static enum media_type sniff_str(const char *s, bool complete)
{
	return sniff(s, strlen(s), complete);
}

/* Every prefix of a sample, complete or not, must be read safely, and may only be
 * recognised as the sample's own type, as text, or not at all. */
static void check_prefixes(const unsigned char *b, size_t len, enum media_type whole)
{
	for (size_t n = 0; n <= len; n++) {
		for (int c = 0; c < 2; c++) {
			enum media_type t = sniff(b, n, c);
			if (t != whole && t != MT_UNKNOWN && t != MT_TEXT)
				fail_msg("prefix %zu of a %s sample sniffed as %s", n, media_mime(whole),
				         media_mime(t));
		}
	}
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xFF);
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put32be(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (24 - 8 * i));
}

enum { STREAMED = 1, DESCRIPTOR = 2, DESCRIPTOR_NOSIG = 4 };

/* Appends a ZIP local file header, the name and the data at b+off; returns the new end.
 * method 0 stores, 8 claims deflate (the data is opaque filler then). STREAMED leaves the
 * sizes at zero and appends a signed data descriptor; DESCRIPTOR keeps the sizes and appends
 * one; DESCRIPTOR_NOSIG appends one without its signature. */
static size_t zip_entry(unsigned char *b, size_t off, const char *name, const void *data,
                        size_t len, unsigned method, int how)
{
	unsigned char *h = b + off;
	size_t nlen = strlen(name);
	memcpy(h, "PK\x03\x04", 4);
	put16(h + 4, 20);
	put16(h + 6, how ? 8 : 0);
	put16(h + 8, method);
	put16(h + 10, 0x6000);
	put16(h + 12, 0x5A21);
	put32(h + 14, 0x12345678);
	put32(h + 18, how & STREAMED ? 0 : (uint32_t)len);
	put32(h + 22, how & STREAMED ? 0 : (uint32_t)len * 3);
	if (method == 0 && !(how & STREAMED))
		put32(h + 22, (uint32_t)len);
	put16(h + 26, (unsigned)nlen);
	put16(h + 28, 0);
	memcpy(h + 30, name, nlen);
	memcpy(h + 30 + nlen, data, len);
	off += 30 + nlen + len;
	if (how & (STREAMED | DESCRIPTOR)) {
		memcpy(b + off, "PK\x07\x08", 4);
		put32(b + off + 4, 0x12345678);
		put32(b + off + 8, (uint32_t)len);
		put32(b + off + 12, (uint32_t)len * 3);
		off += 16;
	} else if (how & DESCRIPTOR_NOSIG) {
		put32(b + off, 0x12345678);
		put32(b + off + 4, (uint32_t)len);
		put32(b + off + 8, (uint32_t)len * 3);
		off += 12;
	}
	return off;
}

/* Appends a central directory header and an end record, as a real archive ends. */
static size_t zip_end(unsigned char *b, size_t off)
{
	memcpy(b + off, "PK\x01\x02", 4);
	memset(b + off + 4, 0, 42);
	off += 46;
	memcpy(b + off, "PK\x05\x06", 4);
	memset(b + off + 4, 0, 18);
	return off + 22;
}

/* Filler that looks like deflate output: binary, no ZIP signatures. */
static const unsigned char deflated[] = {
	0xAD, 0x92, 0xCB, 0x4E, 0xC3, 0x30, 0x10, 0x45, 0xF7, 0x95, 0xF2, 0x0F, 0x91, 0xB7, 0xA8,
	0x71, 0xCB, 0x82, 0x87, 0xD4, 0x74, 0x01, 0x2C, 0x61, 0x81, 0xC4, 0x07, 0x8C, 0xED, 0x49,
	0x63, 0xD5, 0x2F, 0xD9, 0xD3, 0xD2, 0xFE, 0x3D, 0x93, 0x84, 0x16, 0x21, 0x9E, 0x52, 0x95,
	0x55, 0x1C, 0xDB, 0x73, 0xCF, 0x9D, 0x19, 0x4F, 0xAE, 0xB6, 0x26, 0x66, 0x1B, 0x48, 0xDA,
};

static size_t ooxml(unsigned char *b, const char *part, int how)
{
	size_t off = 0;
	off = zip_entry(b, off, "[Content_Types].xml", deflated, sizeof deflated, 8, how);
	off = zip_entry(b, off, "_rels/.rels", deflated, 40, 8, how);
	off = zip_entry(b, off, "docProps/app.xml", deflated, 33, 8, how);
	off = zip_entry(b, off, part, deflated, sizeof deflated, 8, how);
	return zip_end(b, off);
}

static const char odt_mime[] = "application/vnd.oasis.opendocument.text";
static const char ods_mime[] = "application/vnd.oasis.opendocument.spreadsheet";

static size_t odf(unsigned char *b, const char *mime, unsigned method, int how)
{
	size_t off = zip_entry(b, 0, "mimetype", mime, strlen(mime), method, how);
	off = zip_entry(b, off, "Configurations2/", "", 0, 0, 0);
	off = zip_entry(b, off, "content.xml", deflated, sizeof deflated, 8, 0);
	off = zip_entry(b, off, "META-INF/manifest.xml", deflated, 50, 8, 0);
	return zip_end(b, off);
}

/* An ftyp box with the given major brand and compatible brands (concatenated, 4 each). */
static size_t ftyp(unsigned char *b, const char *major, const char *compat)
{
	size_t clen = strlen(compat);
	put32be(b, (uint32_t)(16 + clen));
	memcpy(b + 4, "ftyp", 4);
	memcpy(b + 8, major, 4);
	put32be(b + 12, 0x200);
	memcpy(b + 16, compat, clen);
	size_t off = 16 + clen;
	/* what follows in real files: a free box and the start of mdat or meta */
	put32be(b + off, 8);
	memcpy(b + off + 4, "free", 4);
	put32be(b + off + 8, 0x0001F2C4);
	memcpy(b + off + 12, "mdat", 4);
	memset(b + off + 16, 0x21, 16);
	return off + 32;
}

/* MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417 bytes a frame without padding. */
static const unsigned char mp3_hdr[4] = {0xFF, 0xFB, 0x90, 0x64};
enum { MP3_FRAME = 417 };

static size_t mp3_frames(unsigned char *b, int frames)
{
	size_t off = 0;
	for (int i = 0; i < frames; i++) {
		memcpy(b + off, mp3_hdr, 4);
		memset(b + off + 4, 0x55, MP3_FRAME - 4);
		off += MP3_FRAME;
	}
	return off;
}

static size_t png_sample(unsigned char *b)
{
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
		0x00, 0x00, 0x00, 0x0D, 'I', 'H', 'D', 'R', 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0xC8, 0x08, 0x06, 0x00, 0x00, 0x00, 0x5C, 0x72, 0xA8, 0x66,
		0x00, 0x00, 0x00, 0x0A, 'I', 'D', 'A', 'T', 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
		0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4,
		0x00, 0x00, 0x00, 0x00, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82,
	};
	memcpy(b, png, sizeof png);
	return sizeof png;
}

static size_t jpeg_sample(unsigned char *b)
{
	static const unsigned char jpg[] = {
		0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x01, 0x00,
		0x48, 0x00, 0x48, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07,
		0x06, 0x05, 0x08, 0x07, 0x07, 0x07, 0x09, 0x09, 0x08, 0x0A, 0x0C, 0x14, 0x0D, 0x0C,
	};
	memcpy(b, jpg, sizeof jpg);
	return sizeof jpg;
}

static size_t riff(unsigned char *b, const char *form, const char *chunk)
{
	memcpy(b, "RIFF", 4);
	put32(b + 4, 4 + 8 + 16);
	memcpy(b + 8, form, 4);
	memcpy(b + 12, chunk, 4);
	put32(b + 16, 16);
	for (int i = 0; i < 16; i++)
		b[20 + i] = (unsigned char)(i * 7 + 1);
	return 36;
}

/* ---- images ---- */

static void test_jpeg(void **state)
{
	(void)state;
	unsigned char b[64];
	size_t n = jpeg_sample(b);
	assert_int_equal(sniff(b, n, true), MT_JPEG);
	assert_int_equal(sniff(b, 3, true), MT_JPEG);
	/* EXIF variant */
	b[3] = 0xE1;
	assert_int_equal(sniff(b, n, false), MT_JPEG);
	assert_int_equal(sniff("\xFF\xD8", 2, true), MT_UNKNOWN);
	assert_int_equal(sniff("\xFF\xD8\x00\xE0", 4, true), MT_UNKNOWN);
	check_prefixes(b, n, MT_JPEG);
}

static void test_png(void **state)
{
	(void)state;
	unsigned char b[128];
	size_t n = png_sample(b);
	assert_int_equal(sniff(b, n, true), MT_PNG);
	assert_int_equal(sniff(b, 8, false), MT_PNG);
	assert_int_equal(sniff(b, 7, false), MT_UNKNOWN);
	b[4] = '\n'; /* line-ending damage the signature is designed to catch */
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	n = png_sample(b);
	check_prefixes(b, n, MT_PNG);
}

static void test_gif(void **state)
{
	(void)state;
	static const unsigned char gif89[] = {'G', 'I', 'F', '8', '9', 'a', 0x01, 0x00, 0x01, 0x00,
	                                      0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00,
	                                      0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C};
	assert_int_equal(sniff(gif89, sizeof gif89, true), MT_GIF);
	assert_int_equal(sniff("GIF87a\x0A\x00\x0A\x00\x91\x00\x00", 13, true), MT_GIF);
	/* near misses are text, not GIF */
	assert_int_equal(sniff_str("GIF88a is not a version", true), MT_TEXT);
	assert_int_equal(sniff_str("GIF89", true), MT_TEXT);
	check_prefixes(gif89, sizeof gif89, MT_GIF);
}

static void test_webp(void **state)
{
	(void)state;
	unsigned char b[64];
	size_t n = riff(b, "WEBP", "VP8 ");
	assert_int_equal(sniff(b, n, true), MT_WEBP);
	assert_int_equal(sniff(b, 12, false), MT_WEBP);
	n = riff(b, "WEBP", "VP8L");
	assert_int_equal(sniff(b, n, true), MT_WEBP);
	check_prefixes(b, n, MT_WEBP);
}

static void test_heic_heif(void **state)
{
	(void)state;
	unsigned char b[128];
	size_t n = ftyp(b, "heic", "mif1heic");
	assert_int_equal(sniff(b, n, true), MT_HEIC);
	check_prefixes(b, n, MT_HEIC);
	static const char *const heic[] = {"heix", "hevc", "heim", "heis"};
	for (size_t i = 0; i < 4; i++) {
		n = ftyp(b, heic[i], "mif1");
		assert_int_equal(sniff(b, n, true), MT_HEIC);
	}
	n = ftyp(b, "mif1", "mif1miaf");
	assert_int_equal(sniff(b, n, true), MT_HEIF);
	n = ftyp(b, "msf1", "msf1iso8");
	assert_int_equal(sniff(b, n, true), MT_HEIF);
	check_prefixes(b, n, MT_HEIF);
	/* AVIF shares the structure and lists mif1, but is not accepted */
	n = ftyp(b, "avif", "mif1avifmiafMA1B");
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	n = ftyp(b, "mif1", "mif1avifmiaf");
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
}

/* ---- video and audio in ISO BMFF ---- */

static void test_bmff_brands(void **state)
{
	(void)state;
	static const struct {
		const char *major, *compat;
		enum media_type type;
	} cases[] = {
		{"isom", "isomiso2avc1mp41", MT_MP4},
		{"iso2", "iso2mp41", MT_MP4},
		{"mp41", "mp41isom", MT_MP4},
		{"mp42", "mp42isom", MT_MP4},
		{"avc1", "avc1isom", MT_MP4},
		{"dash", "iso6avc1mp41", MT_MP4},
		{"mp4v", "", MT_MP4},
		{"M4V ", "M4V M4A mp42isom", MT_MP4},
		{"qt  ", "qt  ", MT_MOV},
		{"3gp4", "3gp4isom", MT_3GP},
		{"3gp5", "3gp5isom", MT_3GP},
		{"3g2a", "3g2a", MT_3GP},
		{"M4A ", "M4A mp42isom", MT_M4A},
		{"M4B ", "M4B mp42isom", MT_M4A},
		/* unknown major brand: the first known compatible brand */
		{"XAVC", "XAVCmp42iso2", MT_MP4},
		{"abcd", "wxyzqt  ", MT_MOV},
		/* nothing known at all */
		{"abcd", "wxyz", MT_UNKNOWN},
		{"crx ", "crx isom", MT_UNKNOWN},
		{"jp2 ", "jp2 ", MT_UNKNOWN},
	};
	unsigned char b[128];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = ftyp(b, cases[i].major, cases[i].compat);
		if (sniff(b, n, true) != cases[i].type)
			fail_msg("ftyp '%s' [%s]: got %d, want %d", cases[i].major, cases[i].compat,
			         (int)sniff(b, n, true), (int)cases[i].type);
		check_prefixes(b, n, cases[i].type);
	}
}

static void test_bmff_malformed(void **state)
{
	(void)state;
	unsigned char b[128];
	size_t n = ftyp(b, "isom", "isom");
	put32be(b, 12); /* shorter than the fixed part of an ftyp box */
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	put32be(b, 0);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* an ftyp that claims to be huge: brands are read only as far as the buffer goes */
	n = ftyp(b, "abcd", "efghijkl");
	put32be(b, 0xFFFFFFF0u);
	assert_int_equal(sniff(b, 28, false), MT_UNKNOWN);
	memcpy(b + 24, "mp42", 4);
	assert_int_equal(sniff(b, 28, false), MT_MP4);
	assert_int_equal(sniff(b, 27, false), MT_UNKNOWN);
	/* "ftyp" elsewhere than offset 4 */
	assert_int_equal(sniff("\0\0\0\0\0\0\0\x18" "ftypisom", 16, true), MT_UNKNOWN);
	/* classic QuickTime without ftyp is not recognised (see the module's report) */
	assert_int_equal(sniff("\0\0\0\x08wide\0\x01\x00\x00mdat", 16, true), MT_UNKNOWN);
}

static void test_mp3(void **state)
{
	(void)state;
	unsigned char b[2048];
	/* ID3v2.3 tag, then frames */
	memcpy(b, "ID3\x03\x00\x00\x00\x00\x02\x01", 10);
	memcpy(b + 10, "TIT2\0\0\0\x05\0\0\0Test", 15);
	assert_int_equal(sniff(b, 25, false), MT_MP3);
	memcpy(b, "ID3\x04\x00\x80\x00\x00\x00\x10", 10);
	assert_int_equal(sniff(b, 25, false), MT_MP3);
	/* damaged ID3 headers */
	memcpy(b, "ID3\x05\x00\x00\x00\x00\x02\x01", 10);
	assert_int_equal(sniff(b, 25, true), MT_UNKNOWN);
	memcpy(b, "ID3\x03\x00\x00\x00\x80\x02\x01", 10);
	assert_int_equal(sniff(b, 25, true), MT_UNKNOWN);
	memcpy(b, "ID3\x03\xFF\x00\x00\x00\x02\x01", 10);
	assert_int_equal(sniff(b, 25, true), MT_UNKNOWN);
	memcpy(b, "ID3\x03\x00\x01\x00\x00\x02\x01", 10);
	assert_int_equal(sniff(b, 25, true), MT_UNKNOWN);
	assert_int_equal(sniff_str("ID3 tags are metadata", true), MT_TEXT);

	/* bare frames */
	size_t n = mp3_frames(b, 3);
	assert_int_equal(sniff(b, n, true), MT_MP3);
	assert_int_equal(sniff(b, MP3_FRAME + 4, false), MT_MP3);
	assert_int_equal(sniff(b, MP3_FRAME, true), MT_MP3); /* exactly one frame */
	assert_int_equal(sniff(b, 100, false), MT_MP3);       /* the next header unseen */
	assert_int_equal(sniff(b, 100, true), MT_UNKNOWN);    /* a file shorter than a frame */
	assert_int_equal(sniff(b, 4, true), MT_UNKNOWN);
	assert_int_equal(sniff(b, 3, false), MT_UNKNOWN);
	/* padded frame: one byte longer */
	b[2] = 0x92;
	memmove(b + MP3_FRAME + 1, b + MP3_FRAME, 8);
	assert_int_equal(sniff(b, MP3_FRAME + 9, false), MT_MP3);
	/* the second header not where the first frame's length says */
	mp3_frames(b, 3);
	b[MP3_FRAME] = 0x00;
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* the second frame at another sample rate */
	mp3_frames(b, 3);
	b[MP3_FRAME + 2] = 0x94;
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* MPEG-2 Layer III, 64 kbit/s, 22.05 kHz: 72 * 64000 / 22050 = 208 bytes */
	memset(b, 0x33, 600);
	memcpy(b, "\xFF\xF3\x80\xC4", 4);
	memcpy(b + 208, "\xFF\xF3\x80\xC4", 4);
	assert_int_equal(sniff(b, 600, true), MT_MP3);
	/* MPEG-1 Layer II, 192 kbit/s, 48 kHz: 576 bytes */
	memset(b, 0x33, 800);
	memcpy(b, "\xFF\xFD\xA4\x00", 4);
	memcpy(b + 576, "\xFF\xFD\xA4\x00", 4);
	assert_int_equal(sniff(b, 800, true), MT_MP3);

	/* reserved or invalid fields */
	static const unsigned char bad[][4] = {
		{0xFF, 0xEB, 0x90, 0x64}, /* version 01 reserved */
		{0xFF, 0xF9, 0x90, 0x64}, /* layer 00 reserved */
		{0xFF, 0xFB, 0xF0, 0x64}, /* bitrate index 15 */
		{0xFF, 0xFB, 0x00, 0x64}, /* free format */
		{0xFF, 0xFB, 0x9C, 0x64}, /* sample rate index 3 */
		{0xFF, 0xFB, 0x90, 0x66}, /* emphasis 10 reserved */
		{0xFF, 0xF1, 0x50, 0x80}, /* ADTS AAC: layer 00 */
		{0xFF, 0xDB, 0x90, 0x64}, /* 11-bit sync incomplete */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mp3_frames(b, 3);
		memcpy(b, bad[i], 4);
		memcpy(b + MP3_FRAME, bad[i], 4);
		if (sniff(b, n, true) != MT_UNKNOWN)
			fail_msg("bad MPEG header %zu taken for MP3", i);
	}
	n = mp3_frames(b, 2);
	check_prefixes(b, 16, MT_MP3);
}

static void test_ogg(void **state)
{
	(void)state;
	static const unsigned char ogg[] = {
		'O', 'g', 'g', 'S', 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0x3A, 0x74, 0, 0, 0, 0, 0, 0,
		0x9B, 0x3D, 0x58, 0x01, 0x01, 0x13, 'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 0x01, 0x01,
	};
	assert_int_equal(sniff(ogg, sizeof ogg, true), MT_OGG);
	assert_int_equal(sniff_str("OggS", false), MT_OGG);
	assert_int_equal(sniff_str("Ogg", true), MT_TEXT);
	check_prefixes(ogg, sizeof ogg, MT_OGG);
}

static void test_wav_and_riff(void **state)
{
	(void)state;
	unsigned char b[64];
	size_t n = riff(b, "WAVE", "fmt ");
	assert_int_equal(sniff(b, n, true), MT_WAV);
	check_prefixes(b, n, MT_WAV);
	/* RIFF with other form types */
	n = riff(b, "AVI ", "LIST");
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	n = riff(b, "wave", "fmt ");
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	n = riff(b, "CDR9", "vrsn");
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* WAVE without RIFF */
	n = riff(b, "WAVE", "fmt ");
	memcpy(b, "RIFX", 4);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
}

/* ---- documents ---- */

static void test_pdf(void **state)
{
	(void)state;
	static const char pdf[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>"
	                          "\nendobj\n";
	assert_int_equal(sniff(pdf, sizeof pdf - 1, false), MT_PDF);
	assert_int_equal(sniff_str("%PDF-2.0\n", true), MT_PDF);
	assert_int_equal(sniff_str("%PDF-", false), MT_PDF); /* the version not read yet */
	assert_int_equal(sniff_str("%PDF-", true), MT_TEXT);
	assert_int_equal(sniff_str("%PDF-x is not a version", true), MT_TEXT);
	assert_int_equal(sniff_str("%PDF", true), MT_TEXT);
	/* after a preamble, within the first 1024 bytes */
	char b[2048];
	memset(b, 0, sizeof b);
	memcpy(b, "\x1B%-12345X@PJL\r\n", 16);
	memcpy(b + 1000, "%PDF-1.4\n", 9);
	assert_int_equal(sniff(b, 1100, false), MT_PDF);
	/* starting at 1019 it still fits in 1024 bytes; at 1020 it does not */
	memset(b, 'a', sizeof b);
	memcpy(b + 1019, "%PDF-1.4\n", 9);
	assert_int_equal(sniff(b, sizeof b, true), MT_PDF);
	memset(b, 'a', sizeof b);
	memcpy(b + 1020, "%PDF-1.4\n", 9);
	assert_int_equal(sniff(b, sizeof b, true), MT_TEXT);
	check_prefixes((const unsigned char *)pdf, sizeof pdf - 1, MT_PDF);
}

static void test_docx_xlsx_pptx(void **state)
{
	(void)state;
	unsigned char b[1024];
	static const struct {
		const char *part;
		enum media_type type;
	} kinds[] = {
		{"word/document.xml", MT_DOCX},
		{"xl/workbook.xml", MT_XLSX},
		{"ppt/presentation.xml", MT_PPTX},
	};
	static const int hows[] = {0, STREAMED, DESCRIPTOR, DESCRIPTOR_NOSIG};
	for (size_t k = 0; k < 3; k++) {
		for (size_t h = 0; h < sizeof hows / sizeof hows[0]; h++) {
			size_t n = ooxml(b, kinds[k].part, hows[h]);
			if (sniff(b, n, true) != kinds[k].type)
				fail_msg("%s (layout %d): got %d", kinds[k].part, hows[h],
				         (int)sniff(b, n, true));
			check_prefixes(b, n, kinds[k].type);
		}
	}
	/* [Content_Types].xml not first, or absent from the buffer: the directory decides */
	size_t n = zip_entry(b, 0, "xl/styles.xml", deflated, 20, 8, 0);
	n = zip_entry(b, n, "[Content_Types].xml", deflated, 20, 8, 0);
	assert_int_equal(sniff(b, n, false), MT_XLSX);
	/* the first of the directories decides */
	n = zip_entry(b, 0, "[Content_Types].xml", deflated, 20, 8, 0);
	n = zip_entry(b, n, "ppt/slides/slide1.xml", deflated, 20, 8, 0);
	n = zip_entry(b, n, "word/document.xml", deflated, 20, 8, 0);
	assert_int_equal(sniff(b, n, false), MT_PPTX);
}

static void test_ooxml_near_misses(void **state)
{
	(void)state;
	unsigned char b[1024];
	/* a ZIP of other files */
	size_t n = zip_entry(b, 0, "readme.txt", "hello", 5, 0, 0);
	n = zip_entry(b, n, "photos/IMG_0001.jpg", deflated, sizeof deflated, 8, 0);
	n = zip_end(b, n);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* only [Content_Types].xml, then an entry too long for the buffer */
	n = zip_entry(b, 0, "[Content_Types].xml", deflated, 20, 8, 0);
	size_t big = n;
	n = zip_entry(b, n, "docProps/thumbnail.jpeg", deflated, 60, 8, 0);
	put32(b + big + 18, 100000);
	assert_int_equal(sniff(b, n, false), MT_UNKNOWN);
	/* directory names must be prefixes, with their slash, and exact in case */
	n = zip_entry(b, 0, "[Content_Types].xml", deflated, 20, 8, 0);
	n = zip_entry(b, n, "docs/word/document.xml", deflated, 20, 8, 0);
	n = zip_entry(b, n, "Word/document.xml", deflated, 20, 8, 0);
	n = zip_entry(b, n, "xlsx", deflated, 20, 8, 0);
	n = zip_end(b, n);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* a name cut by the end of the buffer */
	n = zip_entry(b, 0, "word/document.xml", deflated, 20, 8, 0);
	assert_int_equal(sniff(b, 33, false), MT_UNKNOWN);
	assert_int_equal(sniff(b, 30 + 17 - 1, false), MT_UNKNOWN);
	assert_int_equal(sniff(b, 30 + 17, false), MT_DOCX);
	/* a name length far past the buffer */
	put16(b + 26, 0xFFFF);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* an extra-field length past the buffer, then a size past it */
	n = zip_entry(b, 0, "a.txt", "x", 1, 0, 0);
	n = zip_entry(b, n, "word/x.xml", "y", 1, 0, 0);
	put16(b + 28, 0xFFFF);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	put16(b + 28, 0);
	put32(b + 18, 0xFFFFFFF0u);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* "PK" junk */
	assert_int_equal(sniff_str("PK", true), MT_TEXT);
	assert_int_equal(sniff("PK\x03\x04", 4, true), MT_UNKNOWN);
	assert_int_equal(sniff("PK\x03\x04\x14\x00\x00\x00", 8, true), MT_UNKNOWN);
	assert_int_equal(sniff("PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22, true),
	                 MT_UNKNOWN); /* an empty archive */
	assert_int_equal(sniff("PK\x07\x08" "PK\x03\x04", 8, true), MT_UNKNOWN);
	/* a PDF stored in a ZIP is not a PDF */
	static const char pdf[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
	n = zip_entry(b, 0, "evidence.pdf", pdf, sizeof pdf - 1, 0, 0);
	n = zip_end(b, n);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* EPUB and the OpenDocument types not accepted */
	n = odf(b, "application/epub+zip", 0, 0);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	n = odf(b, "application/vnd.oasis.opendocument.presentation", 0, 0);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	n = odf(b, "application/vnd.oasis.opendocument.text-template", 0, 0);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
}

static void test_odt_ods(void **state)
{
	(void)state;
	unsigned char b[1024];
	size_t n = odf(b, odt_mime, 0, 0);
	assert_int_equal(sniff(b, n, true), MT_ODT);
	check_prefixes(b, n, MT_ODT);
	n = odf(b, ods_mime, 0, 0);
	assert_int_equal(sniff(b, n, true), MT_ODS);
	check_prefixes(b, n, MT_ODS);
	/* the mimetype entry written as a stream */
	n = odf(b, odt_mime, 0, STREAMED);
	assert_int_equal(sniff(b, n, true), MT_ODT);
	/* compressed mimetype: not ODF, and not anything else */
	n = odf(b, odt_mime, 8, 0);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* sizes that disagree with the content */
	n = odf(b, odt_mime, 0, 0);
	put32(b + 18, 10);
	put32(b + 22, 10);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* mimetype not first */
	n = zip_entry(b, 0, "content.xml", deflated, 30, 8, 0);
	n = zip_entry(b, n, "mimetype", odt_mime, strlen(odt_mime), 0, 0);
	n = zip_end(b, n);
	assert_int_equal(sniff(b, n, true), MT_UNKNOWN);
	/* content cut by the end of the buffer */
	n = odf(b, ods_mime, 0, 0);
	assert_int_equal(sniff(b, 38 + strlen(ods_mime) - 1, false), MT_UNKNOWN);
	assert_int_equal(sniff(b, 38 + strlen(ods_mime), false), MT_ODS);
}

/* ---- plain text ---- */

static void test_text(void **state)
{
	(void)state;
	assert_int_equal(sniff_str("Laporan: dana desa dipotong 10%.\r\n", true), MT_TEXT);
	assert_int_equal(sniff_str("Tanggal\tJumlah\nSenin\tRp 5.000.000\n\f", true), MT_TEXT);
	assert_int_equal(sniff_str("\xEF\xBB\xBFWith a byte-order mark", true), MT_TEXT);
	assert_int_equal(sniff_str("Français, Ελληνικά, 日本語, 𝄞, emoji 😀", true), MT_TEXT);
	assert_int_equal(sniff_str("\xF4\x8F\xBF\xBF is U+10FFFF", true), MT_TEXT);
	assert_int_equal(sniff_str("\xED\x9F\xBF is U+D7FF", true), MT_TEXT);
	assert_int_equal(sniff_str(" ", true), MT_TEXT);
	assert_int_equal(sniff_str("a", true), MT_TEXT);
	assert_int_equal(sniff("", 0, true), MT_UNKNOWN);
	assert_int_equal(sniff("", 0, false), MT_UNKNOWN);
	assert_int_equal(media_sniff(NULL, 0, true), MT_UNKNOWN);
	/* a long buffer of text, the size the server reads */
	static char big[SNIFF_BYTES];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)(i % 64 == 63 ? '\n' : 'a' + (char)(i % 26));
	assert_int_equal(sniff(big, sizeof big, false), MT_TEXT);
	/* only the first SNIFF_BYTES count: a NUL after them, or a cut character at their end,
	 * changes nothing even when the caller passes the whole file */
	static char bigger[SNIFF_BYTES + 100];
	memcpy(bigger, big, sizeof big);
	memset(bigger + sizeof big, 0, 100);
	assert_int_equal(sniff(bigger, sizeof bigger, true), MT_TEXT);
	memcpy(bigger + SNIFF_BYTES - 1, "\xE2\x82\xAC", 3);
	assert_int_equal(sniff(bigger, sizeof bigger, true), MT_TEXT);
	assert_int_equal(sniff(bigger, SNIFF_BYTES + 2, true), MT_TEXT);
	assert_int_equal(sniff(bigger, SNIFF_BYTES, true), MT_UNKNOWN);
}

static void test_text_rejected(void **state)
{
	(void)state;
	assert_int_equal(sniff("text with a\0NUL", 15, true), MT_UNKNOWN);
	assert_int_equal(sniff("\0", 1, true), MT_UNKNOWN);
	/* UTF-16 has NULs */
	assert_int_equal(sniff("\xFF\xFEh\0i\0", 6, true), MT_UNKNOWN);
	static const char *const invalid[] = {
		"lone continuation \x80 byte",
		"overlong slash \xC0\xAF",
		"overlong \xC1\xBF",
		"overlong three \xE0\x80\xAF",
		"overlong four \xF0\x80\x80\xAF",
		"surrogate \xED\xA0\x80",
		"surrogate \xED\xBF\xBF",
		"above U+10FFFF \xF4\x90\x80\x80",
		"F5 lead \xF5\x80\x80\x80",
		"FF byte \xFF",
		"FE byte \xFE",
		"missing continuation \xC3" "A",
		"short three \xE2\x82" "x",
		"Latin-1 caf\xE9 au lait",
	};
	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
		if (sniff_str(invalid[i], false) != MT_UNKNOWN)
			fail_msg("invalid UTF-8 case %zu taken for text", i);
}

static void test_text_cut_and_controls(void **state)
{
	(void)state;
	/* a sequence cut by the end of an incomplete buffer is fine, not at the end of a file */
	static const char *const cut[] = {"caf\xC3", "euro \xE2\x82", "emoji \xF0\x9F\x98",
	                                  "emoji \xF0\x9F", "emoji \xF0"};
	for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
		assert_int_equal(sniff_str(cut[i], false), MT_TEXT);
		assert_int_equal(sniff_str(cut[i], true), MT_UNKNOWN);
	}
	/* a cut prefix that is already invalid */
	assert_int_equal(sniff_str("x \xE0\x80", false), MT_UNKNOWN);
	assert_int_equal(sniff_str("x \xED\xA0", false), MT_UNKNOWN);
	assert_int_equal(sniff_str("x \xF4\x90", false), MT_UNKNOWN);
	/* control characters: at most 1% */
	char b[300];
	memset(b, 'x', sizeof b);
	b[50] = 0x1B; /* ESC */
	assert_int_equal(sniff(b, 100, true), MT_TEXT);
	b[60] = 0x07; /* BEL */
	assert_int_equal(sniff(b, 100, true), MT_UNKNOWN);
	assert_int_equal(sniff(b, 200, true), MT_TEXT);
	b[70] = 0x7F; /* DEL */
	assert_int_equal(sniff(b, 200, true), MT_UNKNOWN);
	assert_int_equal(sniff(b, 300, true), MT_TEXT);
	memcpy(b + 80, "\xC2\x85", 2); /* NEL, a C1 control */
	assert_int_equal(sniff(b, 300, true), MT_UNKNOWN);
	assert_int_equal(sniff("\x1B", 1, true), MT_UNKNOWN);
	/* the allowed ones do not count */
	memset(b, '\t', 100);
	memset(b + 100, '\r', 100);
	memset(b + 200, '\f', 50);
	memset(b + 250, '\n', 50);
	assert_int_equal(sniff(b, 300, true), MT_TEXT);
}

/* ---- general ---- */

static void test_short_inputs(void **state)
{
	(void)state;
	/* every value of the first byte, lengths 0 to 16, both kinds of buffer end */
	unsigned char b[16];
	for (int first = 0; first < 256; first++) {
		for (size_t n = 0; n <= 16; n++) {
			for (size_t i = 0; i < sizeof b; i++)
				b[i] = (unsigned char)(first + 37 * i);
			b[0] = (unsigned char)first;
			(void)sniff(b, n, true);
			(void)sniff(b, n, false);
		}
	}
	/* every signature cut short */
	static const char *const sigs[] = {
		"\xFF\xD8\xFF", "\x89PNG\r\n\x1A\n", "GIF89a", "RIFF\x10\0\0\0WEBP",
		"RIFF\x10\0\0\0WAVE", "\0\0\0\x18" "ftypisom", "OggS", "PK\x03\x04",
		"ID3\x03\0\0\0\0\0\0", "%PDF-1",
	};
	static const size_t lens[] = {3, 8, 6, 12, 12, 12, 4, 4, 10, 6};
	for (size_t s = 0; s < sizeof sigs / sizeof sigs[0]; s++)
		for (size_t n = 0; n < lens[s]; n++) {
			enum media_type t = sniff(sigs[s], n, true);
			if (t != MT_UNKNOWN && t != MT_TEXT)
				fail_msg("signature %zu cut to %zu bytes sniffed as %s", s, n, media_mime(t));
		}
}

static void test_name_and_claim_irrelevant(void **state)
{
	(void)state;
	/* The interface takes bytes only. Text that names a type, or starts like a header
	 * announcing one, is still text; an image is an image whatever it would be called. */
	assert_int_equal(sniff_str("photo.jpg", true), MT_TEXT);
	assert_int_equal(sniff_str("Content-Type: image/jpeg\r\n\r\n", true), MT_TEXT);
	assert_int_equal(sniff_str("<html><body>report.pdf</body></html>", true), MT_TEXT);
	assert_int_equal(sniff_str("#!/bin/sh\nrm -rf /\n", true), MT_TEXT);
	unsigned char b[128];
	size_t n = png_sample(b);
	assert_int_equal(sniff(b, n, true), MT_PNG);
	assert_int_equal(sniff(b, n, false), MT_PNG);
	/* executables and other binaries are unknown */
	assert_int_equal(sniff("\x7F" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16, true), MT_UNKNOWN);
	assert_int_equal(sniff("MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0", 16, true), MT_UNKNOWN);
	assert_int_equal(sniff("\x1F\x8B\x08\0\0\0\0\0\0\x03", 10, true), MT_UNKNOWN);
	assert_int_equal(sniff("7z\xBC\xAF\x27\x1C\0\x04", 8, true), MT_UNKNOWN);
	/* a TAR holding a PDF */
	static unsigned char tar[1024];
	memset(tar, 0, sizeof tar);
	memcpy(tar, "report.pdf", 10);
	memcpy(tar + 257, "ustar\0" "00", 8);
	memcpy(tar + 512, "%PDF-1.4\n", 9);
	assert_int_equal(sniff(tar, sizeof tar, true), MT_UNKNOWN);
}

static void test_mime_and_extension(void **state)
{
	(void)state;
	static const char *const mimes[MT_COUNT] = {
		NULL,
		"image/jpeg",
		"image/png",
		"image/webp",
		"image/gif",
		"image/heic",
		"image/heif",
		"video/mp4",
		"video/quicktime",
		"video/3gpp",
		"audio/mp4",
		"audio/mpeg",
		"audio/ogg",
		"audio/wav",
		"application/pdf",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation",
		"application/vnd.oasis.opendocument.text",
		"application/vnd.oasis.opendocument.spreadsheet",
		"text/plain",
	};
	static const char *const exts[MT_COUNT] = {
		NULL,  "jpg", "png", "webp", "gif", "heic", "heif", "mp4", "mov", "3gp", "m4a",
		"mp3", "ogg", "wav", "pdf",  "docx", "xlsx", "pptx", "odt", "ods", "txt",
	};
	assert_null(media_mime(MT_UNKNOWN));
	assert_null(media_extension(MT_UNKNOWN));
	for (int t = MT_UNKNOWN + 1; t < MT_COUNT; t++) {
		assert_string_equal(media_mime((enum media_type)t), mimes[t]);
		assert_string_equal(media_extension((enum media_type)t), exts[t]);
	}
	assert_null(media_mime((enum media_type)MT_COUNT));
	assert_null(media_extension((enum media_type)-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_gif),
		cmocka_unit_test(test_webp),
		cmocka_unit_test(test_heic_heif),
		cmocka_unit_test(test_bmff_brands),
		cmocka_unit_test(test_bmff_malformed),
		cmocka_unit_test(test_mp3),
		cmocka_unit_test(test_ogg),
		cmocka_unit_test(test_wav_and_riff),
		cmocka_unit_test(test_pdf),
		cmocka_unit_test(test_docx_xlsx_pptx),
		cmocka_unit_test(test_ooxml_near_misses),
		cmocka_unit_test(test_odt_ods),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_rejected),
		cmocka_unit_test(test_text_cut_and_controls),
		cmocka_unit_test(test_short_inputs),
		cmocka_unit_test(test_name_and_claim_irrelevant),
		cmocka_unit_test(test_mime_and_extension),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
