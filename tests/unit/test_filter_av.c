/* test_filter_av.c: the sound, video and document metadata-removal filters (media/filter.h: bmff.c, mp3.c, ogg.c, wav.c, pdf.c, office.c), which are written here because no Debian library removes metadata losslessly in a stream, and fuzzed (fuzz/). */
/*
 * Two kinds of sample. Files of tests/data/ (scripts/make-test-media: exiftool planted GPS,
 * make, model, serial, author, dates and XMP where it can write; the rest written whole by
 * the script), each with its .payload, the picture, sound or text that must come out
 * unchanged. And samples built here byte by byte, with the expected output built alongside
 * from the same parts, so the output is checked exactly. Every sample is also fed in pieces
 * of every size (filter_all), filtered again (nothing more to remove), and cut short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "filter_test.h"

static const char *const PLANTED_AV[] = {
	"PlantedMakeZq", "PlantedModelZq", "PLANTSERIAL90210", "PlantedArtistZq",
	"PlantedSoftwareZq", "PlantedCommentZq", "PlantedOwnerZq", "PlantedXmpCreatorZq",
	"52.3702", "+52.37", "2019-07-14", "2019:07:14",
};

static void assert_none_left(const struct buf *out, const char *what)
{
	for (size_t i = 0; i < sizeof PLANTED_AV / sizeof PLANTED_AV[0]; i++)
		if (contains(out, PLANTED_AV[i], strlen(PLANTED_AV[i])))
			fail_msg("%s: planted \"%s\" left in the output", what, PLANTED_AV[i]);
	assert_no_planted(out);
}

static struct buf load(const char *path)
{
	struct buf b = {0};
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open %s (run from the repository root)", path);
	unsigned char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, fp)) > 0)
		b_put(&b, tmp, n);
	fclose(fp);
	return b;
}

/* Every entry of a ZIP archive in memory, uncompressed, one after another. */
static struct buf unzip_all(const struct buf *z)
{
	struct buf all = {0};
	zip_error_t err;
	zip_error_init(&err);
	zip_source_t *src = zip_source_buffer_create(z->p, z->n, 0, &err);
	zip_t *za = zip_open_from_source(src, ZIP_CHECKCONS, &err);
	assert_non_null(za);
	for (zip_int64_t i = 0; i < zip_get_num_entries(za, 0); i++) {
		zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		assert_non_null(zf);
		char tmp[4096];
		zip_int64_t n;
		while ((n = zip_fread(zf, tmp, sizeof tmp)) > 0)
			b_put(&all, tmp, (size_t)n);
		assert_int_equal(n, 0);
		zip_fclose(zf);
	}
	zip_discard(za);
	zip_error_fini(&err);
	return all;
}

/* ---- the corpus ---- */

static const struct sample {
	const char *ext;
	enum media_type type;
	unsigned must;   /* MR_ bits that must be reported */
	bool same_size;  /* neutralised in place */
	bool zip;
} samples[] = {
	{"mp4", MT_MP4, MR_GPS | MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_XMP | MR_COMMENTS, true, false},
	{"mov", MT_MOV, MR_GPS | MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_XMP | MR_COMMENTS, true, false},
	{"heic", MT_HEIC, MR_GPS | MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_XMP, true, false},
	{"pdf", MT_PDF, MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_XMP | MR_COMMENTS, true, false},
	{"mp3", MT_MP3, MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_COMMENTS | MR_OTHER, false, false},
	{"wav", MT_WAV, MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_COMMENTS | MR_OTHER, true, false},
	{"ogg", MT_OGG, MR_GPS | MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_COMMENTS, false, false},
	{"docx", MT_DOCX, MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_COMMENTS, false, true},
	{"odt", MT_ODT, MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_COMMENTS, false, true},
};

static void test_corpus(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof samples / sizeof samples[0]; k++) {
		const struct sample *s = &samples[k];
		char path[128];
		snprintf(path, sizeof path, "tests/data/evidence.%s", s->ext);
		struct buf in = load(path);
		snprintf(path, sizeof path, "tests/data/evidence.%s.payload", s->ext);
		struct buf payload = load(path);
		struct result r = filter_all(s->type, &in);
		if (!r.cleaned)
			fail_msg("%s: not cleaned", s->ext);
		if ((r.removed & s->must) != s->must)
			fail_msg("%s: removed %#x, expected at least %#x", s->ext, r.removed, s->must);
		if (s->same_size)
			assert_int_equal(r.out.n, in.n);
		struct buf text = s->zip ? unzip_all(&r.out) : (struct buf){0};
		const struct buf *look = s->zip ? &text : &r.out;
		assert_none_left(look, s->ext);
		if (!contains(look, payload.p, payload.n))
			fail_msg("%s: the payload did not come through unchanged", s->ext);
		if (s->zip) { /* the metadata was there to find, in the input */
			struct buf before = unzip_all(&in);
			assert_true(contains(&before, "PlantedArtistZq", 15));
			b_free(&before);
		}
		assert_idempotent(s->type, &r.out);
		/* cut short: never more than what was there, and never cleaned before the end
		 * (MP3 and Ogg may end anywhere between frames or pages) */
		for (size_t n = 0; n < in.n; n += 1 + n / 8) {
			struct result cut = filter(s->type, in.p, n, 7);
			assert_true(cut.out.n <= n + (s->zip ? 0 : 0) || s->zip);
			/* MP3, Ogg, ISO BMFF may end between frames, pages or boxes, and a PDF after
			 * the %%EOF of a revision that has updates after it */
			if ((s->type == MT_WAV || s->zip) && cut.cleaned)
				fail_msg("%s: cut at %zu of %zu, yet cleaned", s->ext, n, in.n);
			if (s->type != MT_MP3 && cut.cleaned)
				assert_none_left(&cut.out, s->ext);
			b_free(&cut.out);
		}
		b_free(&text);
		b_free(&r.out);
		b_free(&in);
		b_free(&payload);
	}
}

/* ---- ISO BMFF, built here ---- */

static void box_start(struct buf *b, size_t *at, const char *type)
{
	*at = b->n;
	b_be32(b, 0);
	b_put(b, type, 4);
}

static void box_end(struct buf *b, size_t at)
{
	uint32_t n = (uint32_t)(b->n - at);
	b->p[at] = (unsigned char)(n >> 24);
	b->p[at + 1] = (unsigned char)(n >> 16);
	b->p[at + 2] = (unsigned char)(n >> 8);
	b->p[at + 3] = (unsigned char)n;
}

/* A box of `data` into in, and into exp either the same or a 'free' box of zeros. */
static void leaf(struct buf *in, struct buf *exp, const char *type, const void *data, size_t n,
                 bool neutral)
{
	size_t a, e;
	box_start(in, &a, type);
	b_put(in, data, n);
	box_end(in, a);
	box_start(exp, &e, neutral ? "free" : type);
	if (neutral) {
		unsigned char *z = calloc(1, n + 1);
		b_put(exp, z, n);
		free(z);
	} else {
		b_put(exp, data, n);
	}
	box_end(exp, e);
}

static void test_bmff_movie(void **state)
{
	(void)state;
	struct buf in = {0}, exp = {0}, inner = {0}, inner_exp = {0};
	size_t a, e, t;
	leaf(&in, &exp, "ftyp", "qt  \0\0\0\0qt  ", 12, false);
	box_start(&in, &a, "moov");
	box_start(&exp, &e, "moov");
	/* mvhd version 0: times zeroed, the rest kept */
	unsigned char mvhd[100] = {0, 0, 0, 0, 0xD9, 1, 2, 3, 0xD9, 4, 5, 6, 0, 0, 3, 0xE8};
	b_be32(&in, 108);
	b_str(&in, "mvhd");
	b_put(&in, mvhd, sizeof mvhd);
	memset(mvhd + 4, 0, 8);
	b_be32(&exp, 108);
	b_str(&exp, "mvhd");
	b_put(&exp, mvhd, sizeof mvhd);
	/* udta: ©xyz, ©mak, a meta (ISO: version, flags) with ilst ©ART */
	box_start(&inner, &t, "\xA9xyz");
	b_str(&inner, "+52.3702+004.8952/");
	box_end(&inner, t);
	box_start(&inner, &t, "\xA9mak");
	b_str(&inner, "PlantedMakeZq");
	box_end(&inner, t);
	size_t m, il, it;
	box_start(&inner, &m, "meta");
	b_be32(&inner, 0);
	box_start(&inner, &il, "ilst");
	box_start(&inner, &it, "\xA9" "ART");
	b_str(&inner, "PlantedArtistZq");
	box_end(&inner, it);
	box_end(&inner, il);
	box_end(&inner, m);
	leaf(&in, &exp, "udta", inner.p, inner.n, true);
	b_free(&inner);
	/* QuickTime meta: hdlr, keys (location, make), ilst */
	box_start(&inner, &t, "hdlr");
	b_put(&inner, "\0\0\0\0\0\0\0\0mdta\0\0\0\0\0\0\0\0\0\0\0\0\0", 25);
	box_end(&inner, t);
	box_start(&inner, &t, "keys");
	b_be32(&inner, 0);
	b_be32(&inner, 2);
	const char *keys[] = {"com.apple.quicktime.location.ISO6709", "com.apple.quicktime.make"};
	for (int k = 0; k < 2; k++) {
		b_be32(&inner, (uint32_t)(8 + strlen(keys[k])));
		b_str(&inner, "mdta");
		b_str(&inner, keys[k]);
	}
	box_end(&inner, t);
	box_start(&inner, &t, "ilst");
	b_be32(&inner, 8 + 18);
	b_be32(&inner, 1);
	b_str(&inner, "+52.3702+004.8952/");
	box_end(&inner, t);
	leaf(&in, &exp, "meta", inner.p, inner.n, true);
	box_end(&in, a);
	box_end(&exp, e);
	/* XMP uuid, at top level: its user type zeroed too */
	static const unsigned char xmp_uuid[16] = {0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8,
	                                           0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC};
	b_be32(&in, 8 + 16 + 30);
	b_str(&in, "uuid");
	b_put(&in, xmp_uuid, 16);
	b_str(&in, "<x:xmpmeta>PlantedXmpCreatorZq");
	b_be32(&exp, 8 + 16 + 30);
	b_str(&exp, "free");
	unsigned char z[46] = {0};
	b_put(&exp, z, 46);
	/* mdat, and the picture inside it, unchanged */
	unsigned char pic[3000];
	for (size_t i = 0; i < sizeof pic; i++)
		pic[i] = (unsigned char)(i * 7 + 1);
	leaf(&in, &exp, "mdat", pic, sizeof pic, false);
	struct result r = filter_all(MT_MOV, &in);
	assert_true(r.cleaned);
	assert_int_equal(r.removed, MR_GPS | MR_DEVICE | MR_AUTHOR | MR_TIMESTAMPS | MR_XMP);
	assert_same(&r.out, &exp);
	assert_none_left(&r.out, "movie");
	assert_idempotent(MT_MOV, &r.out);
	/* a box larger than its parent: from there on unchanged, not cleaned */
	struct buf bad = {0};
	b_put(&bad, in.p, in.n);
	bad.p[20 + 3] = 0xFF; /* mvhd's size: beyond moov */
	struct result rb = filter_all(MT_MOV, &bad);
	assert_false(rb.cleaned);
	assert_int_equal(rb.out.n, bad.n);
	assert_true(contains(&rb.out, pic, sizeof pic));
	b_free(&rb.out);
	b_free(&bad);
	b_free(&r.out);
	b_free(&in);
	b_free(&exp);
	b_free(&inner);
	b_free(&inner_exp);
}

/* HEIF: an Exif item in mdat, found through iinf and iloc (iloc first, as libheif writes). */
static void heif(struct buf *in, struct buf *exp, unsigned method)
{
	size_t a, e, t;
	leaf(in, exp, "ftyp", "heic\0\0\0\0mif1heic", 16, false);
	struct buf meta = {0};
	box_start(&meta, &t, "hdlr");
	b_put(&meta, "\0\0\0\0\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0", 25);
	box_end(&meta, t);
	/* iloc v1: offset 4, length 4, base 0; item 1 (picture), item 2 (Exif) */
	size_t iloc;
	box_start(&meta, &iloc, "iloc");
	b_put(&meta, "\1\0\0\0\x44\0", 6);
	b_be16(&meta, 2);
	size_t exif_off_at[2];
	for (unsigned id = 1; id <= 2; id++) {
		b_be16(&meta, id);
		b_be16(&meta, id == 2 ? method : 0);
		b_be16(&meta, 0);
		b_be16(&meta, 1);
		exif_off_at[id - 1] = meta.n;
		b_be32(&meta, 0); /* offset, set below */
		b_be32(&meta, 0); /* length */
	}
	box_end(&meta, iloc);
	size_t iinf, infe;
	box_start(&meta, &iinf, "iinf");
	b_be32(&meta, 0);
	b_be16(&meta, 2);
	for (unsigned id = 1; id <= 2; id++) {
		box_start(&meta, &infe, "infe");
		b_put(&meta, "\2\0\0\0", 4);
		b_be16(&meta, id);
		b_be16(&meta, 0);
		b_str(&meta, id == 1 ? "hvc1" : "Exif");
		b_u8(&meta, 0);
		box_end(&meta, infe);
	}
	box_end(&meta, iinf);
	/* the Exif item: offset 6, "Exif\0\0", a TIFF with Make */
	struct buf exif = {0};
	b_be32(&exif, 6);
	b_put(&exif, "Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x0F\0\x02\0\0\0\x0E\0\0\0\x1A\0\0\0\0", 32);
	b_str(&exif, "PlantedMakeZq");
	b_u8(&exif, 0);
	unsigned char pic[700];
	for (size_t i = 0; i < sizeof pic; i++)
		pic[i] = (unsigned char)(i * 13 + 5);
	size_t meta_size = 12 + meta.n;
	size_t mdat_data = in->n + meta_size + 8;
	uint32_t offs[2] = {(uint32_t)mdat_data, (uint32_t)(mdat_data + sizeof pic)};
	uint32_t lens[2] = {sizeof pic, (uint32_t)exif.n};
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 4; i++) {
			meta.p[exif_off_at[k] + i] = (unsigned char)(offs[k] >> (24 - 8 * i));
			meta.p[exif_off_at[k] + 4 + i] = (unsigned char)(lens[k] >> (24 - 8 * i));
		}
	box_start(in, &a, "meta");
	b_be32(in, 0);
	b_put(in, meta.p, meta.n);
	box_end(in, a);
	box_start(exp, &e, "meta");
	b_be32(exp, 0);
	b_put(exp, meta.p, meta.n);
	box_end(exp, e);
	box_start(in, &a, "mdat");
	box_start(exp, &e, "mdat");
	both(in, exp, pic, sizeof pic);
	b_put(in, exif.p, exif.n);
	unsigned char *zeros = calloc(1, exif.n);
	b_put(exp, method ? exif.p : zeros, exif.n);
	free(zeros);
	box_end(in, a);
	box_end(exp, e);
	b_free(&meta);
	b_free(&exif);
}

static void test_bmff_heif_items(void **state)
{
	(void)state;
	struct buf in = {0}, exp = {0};
	heif(&in, &exp, 0);
	struct result r = filter_all(MT_HEIC, &in);
	assert_true(r.cleaned);
	assert_int_equal(r.removed, MR_DEVICE);
	assert_same(&r.out, &exp);
	assert_idempotent(MT_HEIC, &r.out);
	b_free(&r.out);
	b_free(&in);
	b_free(&exp);
	/* an Exif item stored in idat (construction method 1): not cleaned, passed */
	heif(&in, &exp, 1);
	r = filter_all(MT_HEIC, &in);
	assert_false(r.cleaned);
	assert_same(&r.out, &in);
	b_free(&r.out);
	b_free(&in);
	b_free(&exp);
}

/* ---- MP3 ---- */

static void id3_frame(struct buf *b, const char *id, const char *text, unsigned version)
{
	b_str(b, id);
	uint32_t n = (uint32_t)strlen(text) + 1;
	if (version == 4) { /* syncsafe */
		b_u8(b, n >> 21 & 0x7F);
		b_u8(b, n >> 14 & 0x7F);
		b_u8(b, n >> 7 & 0x7F);
		b_u8(b, n & 0x7F);
	} else {
		b_be32(b, n);
	}
	b_be16(b, 0);
	b_u8(b, 0);
	b_str(b, text);
}

static void id3_tag(struct buf *b, unsigned version, const struct buf *frames, size_t pad,
                    bool footer)
{
	uint32_t n = (uint32_t)(frames->n + pad);
	unsigned char h[10] = {'I', 'D', '3', (unsigned char)version, 0, footer ? 0x10 : 0,
	                       (unsigned char)(n >> 21 & 0x7F), (unsigned char)(n >> 14 & 0x7F),
	                       (unsigned char)(n >> 7 & 0x7F), (unsigned char)(n & 0x7F)};
	b_put(b, h, 10);
	b_put(b, frames->p, frames->n);
	for (size_t i = 0; i < pad; i++)
		b_u8(b, 0);
	if (footer) {
		memcpy(h, "3DI", 3);
		b_put(b, h, 10);
	}
}

static void test_mp3(void **state)
{
	(void)state;
	struct buf in = {0}, exp = {0}, frames = {0}, audio = {0};
	for (int i = 0; i < 30; i++) {
		b_put(&audio, "\xFF\xFB\x90\x64", 4);
		for (int k = 0; k < 413; k++)
			b_u8(&audio, (unsigned)(i * 31 + k * 7) & 0xFF);
	}
	id3_frame(&frames, "TPE1", "PlantedArtistZq", 4);
	id3_frame(&frames, "TDRC", "2019-07-14", 4);
	id3_frame(&frames, "TSSE", "PlantedSoftwareZq", 4);
	id3_tag(&in, 4, &frames, 20, true);
	b_free(&frames);
	id3_frame(&frames, "COMM", "PlantedCommentZq", 3);
	id3_tag(&in, 3, &frames, 0, false); /* a second tag right after the first */
	both(&in, &exp, audio.p, audio.n);
	/* appended ID3v2 with a footer, then ID3v1 */
	id3_tag(&in, 4, &frames, 0, true);
	b_str(&in, "TAG");
	unsigned char v1[125] = {0};
	memcpy(v1 + 30, "PlantedArtistZq", 15);
	memcpy(v1 + 90, "2019", 4);
	b_put(&in, v1, sizeof v1);
	struct result r = filter_all(MT_MP3, &in);
	assert_true(r.cleaned);
	assert_int_equal(r.removed, MR_AUTHOR | MR_TIMESTAMPS | MR_DEVICE | MR_COMMENTS | MR_OTHER);
	assert_same(&r.out, &exp);
	assert_idempotent(MT_MP3, &r.out);
	b_free(&r.out);
	/* an APE tag larger than what is held: kept, not cleaned */
	struct buf big = {0};
	b_put(&big, audio.p, audio.n);
	size_t items = 65536 + 64 + 100; /* more than MF_BUF, what the filter holds back */
	for (size_t i = 0; i < items; i++)
		b_u8(&big, 'x');
	b_str(&big, "APETAGEX");
	unsigned char foot[24] = {0xD0, 0x07};
	uint32_t size = (uint32_t)(items + 32);
	for (int i = 0; i < 4; i++)
		foot[4 + i] = (unsigned char)(size >> (8 * i));
	b_put(&big, foot, sizeof foot);
	r = filter(MT_MP3, big.p, big.n, 0);
	assert_false(r.cleaned);
	assert_same(&r.out, &big);
	b_free(&r.out);
	b_free(&big);
	b_free(&in);
	b_free(&exp);
	b_free(&frames);
	b_free(&audio);
}

/* ---- WAV ---- */

static void riff(struct buf *b, const char *id, const void *p, size_t n)
{
	b_str(b, id);
	b_le32(b, (uint32_t)n);
	b_put(b, p, n);
	if (n & 1)
		b_u8(b, 0);
}

static void junk(struct buf *b, size_t n)
{
	b_str(b, "JUNK");
	b_le32(b, (uint32_t)n);
	for (size_t i = 0; i < n + (n & 1); i++)
		b_u8(b, 0);
}

static void test_wav(void **state)
{
	(void)state;
	struct buf in = {0}, exp = {0}, info = {0}, pcm = {0};
	for (int i = 0; i < 999; i++)
		b_u8(&pcm, (unsigned)(i * 37) & 0xFF);
	b_put(&in, "RIFF\0\0\0\0WAVE", 12);
	b_put(&exp, "RIFF\0\0\0\0WAVE", 12);
	riff(&in, "fmt ", "\1\0\1\0\x40\x1F\0\0\x40\x1F\0\0\1\0\x08\0", 16);
	riff(&exp, "fmt ", "\1\0\1\0\x40\x1F\0\0\x40\x1F\0\0\1\0\x08\0", 16);
	b_str(&info, "INFO");
	riff(&info, "IART", "PlantedArtistZq", 15); /* odd: padded */
	riff(&info, "ICRD", "2019-07-14", 10);
	riff(&info, "ISFT", "PlantedSoftwareZq", 17);
	riff(&in, "LIST", info.p, info.n);
	junk(&exp, info.n);
	riff(&in, "data", pcm.p, pcm.n);
	riff(&exp, "data", pcm.p, pcm.n);
	riff(&in, "LIST", "adtlnote....PlantedCommentZq", 28);
	junk(&exp, 28);
	riff(&in, "_PMX", "<x:xmpmeta>PlantedXmpCreatorZq", 30);
	junk(&exp, 30);
	riff(&in, "smpl", "\0\0\0\0", 4);
	riff(&exp, "smpl", "\0\0\0\0", 4);
	uint32_t size = (uint32_t)in.n - 8;
	for (int i = 0; i < 4; i++)
		in.p[4 + i] = exp.p[4 + i] = (unsigned char)(size >> (8 * i));
	b_str(&in, "ID3 after the RIFF: PlantedArtistZq");
	struct result r = filter_all(MT_WAV, &in);
	assert_true(r.cleaned);
	assert_int_equal(r.removed,
	                 MR_AUTHOR | MR_TIMESTAMPS | MR_DEVICE | MR_COMMENTS | MR_XMP | MR_OTHER);
	assert_same(&r.out, &exp);
	assert_none_left(&r.out, "wav");
	assert_idempotent(MT_WAV, &r.out);
	b_free(&r.out);
	/* a chunk that does not fit the RIFF: passed from there, not cleaned */
	exp.p[40] = 0xFF;
	r = filter_all(MT_WAV, &exp);
	assert_false(r.cleaned);
	assert_same(&r.out, &exp);
	b_free(&r.out);
	b_free(&in);
	b_free(&exp);
	b_free(&info);
	b_free(&pcm);
}

/* ---- Ogg ---- */

static uint32_t ogg_crc(const unsigned char *p, size_t n)
{
	uint32_t c = 0;
	for (size_t i = 0; i < n; i++) {
		c ^= (uint32_t)p[i] << 24;
		for (int k = 0; k < 8; k++)
			c = c & 0x80000000u ? c << 1 ^ 0x04C11DB7u : c << 1;
	}
	return c;
}

/* One page holding whole packets. */
static void ogg_page(struct buf *b, unsigned flags, uint32_t seq, const struct buf *packets,
                     size_t npackets)
{
	size_t at = b->n;
	b_put(b, "OggS\0", 5);
	b_u8(b, flags);
	for (int i = 0; i < 8; i++)
		b_u8(b, 0);
	b_le32(b, 0x1234);
	b_le32(b, seq);
	b_le32(b, 0);
	size_t nseg = 0;
	for (size_t i = 0; i < npackets; i++)
		nseg += packets[i].n / 255 + 1;
	b_u8(b, (unsigned)nseg);
	for (size_t i = 0; i < npackets; i++) {
		for (size_t k = 0; k < packets[i].n / 255; k++)
			b_u8(b, 255);
		b_u8(b, packets[i].n % 255);
	}
	for (size_t i = 0; i < npackets; i++)
		b_put(b, packets[i].p, packets[i].n);
	uint32_t crc = ogg_crc(b->p + at, b->n - at);
	for (int i = 0; i < 4; i++)
		b->p[at + 22 + i] = (unsigned char)(crc >> (8 * i));
}

static void comments(struct buf *b, const char *magic, size_t mlen, bool framing, bool with)
{
	b_put(b, magic, mlen);
	b_le32(b, 7);
	b_str(b, "vendor1");
	static const char *const c[] = {"ARTIST=PlantedArtistZq", "DATE=2019-07-14",
	                                "ENCODER=PlantedSoftwareZq",
	                                "LOCATION=+52.3702+004.8952/", "COMMENT=PlantedCommentZq"};
	b_le32(b, with ? 5 : 0);
	for (int i = 0; with && i < 5; i++) {
		b_le32(b, (uint32_t)strlen(c[i]));
		b_str(b, c[i]);
	}
	if (framing)
		b_u8(b, 1);
}

static void test_ogg(void **state)
{
	(void)state;
	for (int vorbis = 0; vorbis < 2; vorbis++) {
		struct buf in = {0}, exp = {0}, pk[3] = {{0}};
		if (vorbis)
			b_put(&pk[0], "\1vorbis\0\0\0\0\1\x44\xAC\0\0", 16);
		else
			b_put(&pk[0], "OpusHead\1\1\x38\1\x80\xBB\0\0\0\0\0", 19);
		ogg_page(&in, 2, 0, pk, 1);
		ogg_page(&exp, 2, 0, pk, 1);
		b_free(&pk[0]);
		/* the comment header (and Vorbis's setup header on the same page) */
		comments(&pk[0], vorbis ? "\3vorbis" : "OpusTags", vorbis ? 7 : 8, vorbis, true);
		for (int i = 0; i < 600; i++) /* setup: over two lacing values' worth */
			b_u8(&pk[1], (unsigned)i & 0xFF);
		ogg_page(&in, 0, 1, pk, vorbis ? 2 : 1);
		b_free(&pk[0]);
		comments(&pk[0], vorbis ? "\3vorbis" : "OpusTags", vorbis ? 7 : 8, vorbis, false);
		ogg_page(&exp, 0, 1, pk, vorbis ? 2 : 1);
		b_free(&pk[0]);
		b_free(&pk[1]);
		for (uint32_t s = 2; s < 6; s++) {
			for (int i = 0; i < 300; i++)
				b_u8(&pk[0], (unsigned)(i * s) & 0xFF);
			ogg_page(&in, s == 5 ? 4 : 0, s, pk, 1);
			ogg_page(&exp, s == 5 ? 4 : 0, s, pk, 1);
			b_free(&pk[0]);
		}
		struct result r = filter_all(MT_OGG, &in);
		assert_true(r.cleaned);
		assert_int_equal(r.removed, MR_AUTHOR | MR_TIMESTAMPS | MR_DEVICE | MR_GPS | MR_COMMENTS);
		assert_same(&r.out, &exp);
		assert_idempotent(MT_OGG, &r.out);
		b_free(&r.out);
		b_free(&in);
		b_free(&exp);
	}
}

static void test_ogg_spanning(void **state)
{
	(void)state;
	struct buf in = {0}, pk = {0};
	b_put(&pk, "OpusHead\1\1\x38\1\x80\xBB\0\0\0\0\0", 19);
	ogg_page(&in, 2, 0, &pk, 1);
	b_free(&pk);
	/* a 255-byte first part ending the page (lacing 255: continues), then the rest */
	comments(&pk, "OpusTags", 8, false, true);
	while (pk.n < 400)
		b_u8(&pk, 'x');
	size_t at = in.n;
	b_put(&in, "OggS\0\0\0\0\0\0\0\0\0\0\x34\x12\0\0\1\0\0\0\0\0\0\0\1\xFF", 28);
	b_put(&in, pk.p, 255);
	uint32_t crc = ogg_crc(in.p + at, in.n - at);
	for (int i = 0; i < 4; i++)
		in.p[at + 22 + i] = (unsigned char)(crc >> (8 * i));
	struct buf rest = {0};
	b_put(&rest, pk.p + 255, pk.n - 255);
	ogg_page(&in, 1, 2, &rest, 1);
	struct result r = filter_all(MT_OGG, &in);
	assert_false(r.cleaned);
	assert_same(&r.out, &in);
	b_free(&r.out);
	b_free(&rest);
	b_free(&pk);
	b_free(&in);
}

/* ---- PDF ---- */

static void test_pdf(void **state)
{
	(void)state;
	const char *in_text =
		"%PDF-1.7\n"
		"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>\nendobj\n"
		"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 /Title (Not info: kept) >>\nendobj\n"
		"3 0 obj\n<< /Author (PlantedArtistZq \\(x\\)) /Producer <506C616E746564536F667477617265"
		"5A71> /CreationDate (D:20190714133742) /Custom (PLANTSERIAL90210) /Trapped /False >>\n"
		"endobj\n"
		"4 0 obj\n<< /Type /Metadata /Subtype /XML /Length 43 >>\nstream\n"
		"<x:xmpmeta>PlantedXmpCreatorZq\n</x:xmpmeta>\nendstream\nendobj\n"
		"5 0 obj\n<< /Type /Metadata /Subtype /XML /Length 6 0 R >>\nstream\n"
		"<x>PlantedOwnerZq endstrea</x>\nendstream\nendobj\n"
		"6 0 obj\n30\nendobj\n"
		"7 0 obj\n<< /Length 8 >>\nstream\n(binary)\nendstream\nendobj\n"
		"xref\n0 8\n0000000000 65535 f \n"
		"trailer\n<< /Size 8 /Root 1 0 R /Info 3 0 R >>\nstartxref\n999\n%%EOF\n";
	/* expected: the same, with these blanked (spaces; hex digits 20; line ends kept) */
	static const char *const blanked[] = {
		"PlantedArtistZq \\(x\\)", "D:20190714133742", "PLANTSERIAL90210",
		"<x:xmpmeta>PlantedXmpCreatorZq\n</x:xmpmeta>", "<x>PlantedOwnerZq endstrea</x>"};
	struct buf in = {0}, exp = {0};
	b_str(&in, in_text);
	b_str(&exp, in_text);
	for (size_t i = 0; i < sizeof blanked / sizeof blanked[0]; i++) {
		unsigned char *at = memmem(exp.p, exp.n, blanked[i], strlen(blanked[i]));
		assert_non_null(at);
		for (size_t k = 0; k < strlen(blanked[i]); k++)
			if (at[k] != '\n')
				at[k] = ' ';
	}
	unsigned char *hex = memmem(exp.p, exp.n, "<506C", 5);
	for (size_t k = 1; hex[k] != '>'; k++)
		hex[k] = k % 2 ? '2' : '0';
	struct result r = filter_all(MT_PDF, &in);
	assert_true(r.cleaned);
	assert_int_equal(r.removed, MR_AUTHOR | MR_DEVICE | MR_TIMESTAMPS | MR_OTHER | MR_XMP);
	assert_same(&r.out, &exp);
	assert_idempotent(MT_PDF, &r.out);
	b_free(&r.out);
	b_free(&in);
	/* what cannot be cleaned while streaming: passed, with the verdict */
	static const char *const not_cleaned[] = {
		/* /Info names an object inside an object stream */
		"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 3 >>"
		"\nstream\nxyz\nendstream\nendobj\ntrailer\n<< /Info 9 0 R >>\n%%EOF\n",
		/* compressed XMP */
		"%PDF-1.5\n4 0 obj\n<< /Type /Metadata /Filter /FlateDecode /Length 3 >>\nstream\nxyz"
		"\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n",
		/* encrypted */
		"%PDF-1.5\n3 0 obj\n<< /Author (PlantedArtistZq) >>\nendobj\ntrailer\n<< /Info 3 0 R "
		"/Encrypt 5 0 R >>\n%%EOF\n",
		/* no end */
		"%PDF-1.5\n3 0 obj\n<< /Author (PlantedArtistZq) >>\nendobj\n",
		/* ends inside a string */
		"%PDF-1.5\n3 0 obj\n(abc\n%%EOF\n",
	};
	for (size_t i = 0; i < sizeof not_cleaned / sizeof not_cleaned[0]; i++) {
		b_str(&in, not_cleaned[i]);
		r = filter_all(MT_PDF, &in);
		if (r.cleaned)
			fail_msg("pdf sample %zu: cleaned", i);
		assert_int_equal(r.out.n, in.n);
		b_free(&r.out);
		b_free(&in);
	}
	b_free(&exp);
}

/* ---- Office ---- */

static void test_office_limits(void **state)
{
	(void)state;
	/* not a ZIP: passed unchanged, not cleaned */
	struct buf in = {0};
	b_str(&in, "PK\3\4 not really a zip PlantedArtistZq");
	struct result r = filter(MT_DOCX, in.p, in.n, 3);
	assert_false(r.cleaned);
	assert_same(&r.out, &in);
	assert_int_equal(r.removed, 0);
	b_free(&r.out);
	b_free(&in);
	/* over MF_OFFICE_MAX: passed as it comes, not cleaned */
	struct media_filter *f = media_filter_new(MT_XLSX);
	static unsigned char piece[1 << 20];
	struct hashsink got = {0, 0};
	for (int i = 0; i < 33; i++)
		assert_int_equal(media_filter_feed(f, piece, sizeof piece, to_hash, &got), 0);
	assert_int_equal(media_filter_finish(f, to_hash, &got), 0);
	assert_int_equal(got.n, 33u << 20);
	assert_false(media_filter_cleaned(f));
	media_filter_free(f);
}

/* ---- memory stays bounded over long files ---- */

static void test_bounded_memory_av(void **state)
{
	(void)state;
	struct buf head = {0}, tail = {0};
	/* MP4: a 50 MB mdat after a moov, and a udta after it */
	b_put(&head, "\0\0\0\x10" "ftypisom\0\0\0\0", 16);
	b_be32(&head, 1);
	b_str(&head, "mdat");
	b_be32(&head, 0);
	b_be32(&head, (uint32_t)(16 + 50 * 1024 * 1024));
	stream_big(MT_MP4, &head, &head, gen_raw, &tail);
	b_free(&head);
	/* MP3: 50 MB of frames after no tag */
	b_put(&head, "\xFF\xFB\x90\x64", 4);
	stream_big(MT_MP3, &head, &head, gen_raw, &tail);
	b_free(&head);
	/* WAV: a 50 MB data chunk */
	b_str(&head, "RIFF");
	b_le32(&head, 4 + 8 + 50 * 1024 * 1024);
	b_str(&head, "WAVEdata");
	b_le32(&head, 50 * 1024 * 1024);
	stream_big(MT_WAV, &head, &head, gen_raw, &tail);
	b_free(&head);
	/* PDF: a 50 MB stream of known length */
	b_str(&head, "%PDF-1.4\n1 0 obj\n<< /Length 52428800 >>\nstream\n");
	b_str(&tail, "\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n");
	stream_big(MT_PDF, &head, &head, gen_raw, &tail);
	b_free(&head);
	b_free(&tail);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_bmff_movie),
		cmocka_unit_test(test_bmff_heif_items),
		cmocka_unit_test(test_mp3),
		cmocka_unit_test(test_wav),
		cmocka_unit_test(test_ogg),
		cmocka_unit_test(test_ogg_spanning),
		cmocka_unit_test(test_pdf),
		cmocka_unit_test(test_office_limits),
		cmocka_unit_test(test_bounded_memory_av),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
