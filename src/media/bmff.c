/* bmff.c: ISO BMFF (MP4, MOV, 3GP, M4A, HEIC, HEIF) metadata-removal filter (media/filter.h); written here because no Debian library removes metadata losslessly in a stream; fuzzed (fuzz/bmff_fuzz.c). */
/*
 * Sample tables hold absolute file offsets (stco, co64, iloc), so nothing may move: metadata
 * is neutralised in place, every box keeping its size.
 *
 *   udta (anywhere), meta other than the top-level one (QuickTime keys/ilst, iTunes ilst,
 *   ID3 in MP4), and uuid BE7ACFCB-97A9-42E8-9C71-999491E3AFAC (XMP) become 'free' boxes
 *   whose payload is zeros. udta and meta children are walked while being zeroed, to tell
 *   what was there: ©xyz and loci (MR_GPS), ©mak, ©mod, ©swr, ©too (MR_DEVICE), ©ART, auth,
 *   cprt (MR_AUTHOR), ©day (MR_TIMESTAMPS), ©cmt, ©nam, titl (MR_COMMENTS), XMP_ (MR_XMP),
 *   and the key names of a keys box (com.apple.quicktime.location.ISO6709 is MR_GPS, make,
 *   model and software MR_DEVICE, creationdate MR_TIMESTAMPS …).
 *   mvhd, tkhd, mdhd: creation and modification times are zeroed (MR_TIMESTAMPS).
 *   HEIF items: the top-level meta is kept (it is the picture's structure); its iinf names
 *   the Exif items and the XMP ones (mime application/rdf+xml), its iloc says where they
 *   are. Those byte ranges are zeroed as they stream past, usually in mdat; an item
 *   of at most MF_BUF bytes is read first to tell what it held (zeros: nothing).
 * Not cleaned (the rest still passes): an item stored in idat or another item, an item range
 *   already passed when iloc is read, more items than the tables here hold, an iinf or iloc
 *   larger than MF_BUF, a box whose size does not fit its parent (from there on, unchanged).
 * Held: box headers, the few bytes of a *hd box that hold times, a keys box, iinf and iloc
 * (an iloc that comes before iinf is kept in heap until iinf comes: at most MF_BUF bytes),
 * and one Exif or XMP item (at most MF_BUF bytes; a larger one is zeroed unread).
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <stdlib.h>
#include <string.h>

enum { B_BOX, B_HDR, B_FULL, B_TIMES, B_WHOLE, B_REGION, B_ITEM, B_Z, B_ZHDR, B_ZMETA, B_ZKEYS };

#define FCC(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define DEPTH 8
#define NO_END UINT64_MAX

static const unsigned char XMP_UUID[16] = {0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8,
                                           0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC};

#define K_EXIF 1u
#define K_XMP 2u

static void region_next(struct media_filter *f);

/* ---- walking ---- */

static void next_box(struct media_filter *f)
{
	struct mf_bmff *m = &f->u.bmff;
	while (m->depth > 0 && m->pos == m->end[m->depth])
		m->depth--;
	if (m->depth > 0 && m->end[m->depth] - m->pos < 8) {
		f->have = 0; /* what buf held has gone out already */
		mf_raw(f);
		return;
	}
	f->state = B_HDR;
	mf_collect(f, 8);
	f->may_end = m->end[m->depth] == NO_END;
}

/* Comes back to step after a run (or at once). */
static void after_run(struct media_filter *f, int state)
{
	f->state = state;
	mf_collect(f, 0);
}

/* Payload [pos, end) passes, except item ranges in it. */
static void region(struct media_filter *f, uint64_t end)
{
	f->u.bmff.region_end = end;
	region_next(f);
}

static void region_next(struct media_filter *f)
{
	struct mf_bmff *m = &f->u.bmff;
	if (m->pos == m->region_end) {
		next_box(f);
		return;
	}
	uint64_t next = m->region_end;
	for (unsigned i = 0; i < m->nranges; i++) {
		uint64_t s = m->ranges[i].start, len = m->ranges[i].len;
		if (len == 0)
			continue;
		if (s <= m->pos && m->pos - s < len) { /* inside: zero it */
			uint64_t e = s + len < m->region_end ? s + len : m->region_end;
			unsigned kind = m->ranges[i].kind;
			if (s == m->pos && e == s + len && len <= MF_BUF) { /* read first: what was it */
				m->ranges[i].len = 0;
				f->u.bmff.item_kind = kind;
				f->state = B_ITEM;
				f->hold_meta = true;
				mf_collect(f, (size_t)len);
				return;
			}
			if (s < m->pos || e != s + len)
				f->raw = true; /* it crosses a box header: part of it went out as it was */
			else
				f->removed |= kind == K_XMP ? MR_XMP : MR_OTHER; /* too large to read */
			mf_run(f, e - m->pos, MF_ZERO);
			m->pos = e;
			after_run(f, B_REGION);
			return;
		}
		if (s > m->pos && s < next)
			next = s;
	}
	if (next == NO_END) { /* to the end of the file */
		mf_scan(f);
		return;
	}
	mf_run(f, next - m->pos, MF_PASS);
	m->pos = next;
	after_run(f, B_REGION);
}

static size_t scan(struct media_filter *f, const unsigned char *p, size_t n)
{
	if (p == NULL) {
		mf_end(f);
		return 0;
	}
	mf_pass(f, p, n);
	f->u.bmff.pos += n;
	return n;
}

/* ---- classification ---- */

static unsigned child_class(uint32_t t)
{
	switch (t) {
	case FCC(0xA9, 'x', 'y', 'z'):
	case FCC('l', 'o', 'c', 'i'):
		return MR_GPS;
	case FCC(0xA9, 'm', 'a', 'k'):
	case FCC(0xA9, 'm', 'o', 'd'):
	case FCC(0xA9, 's', 'w', 'r'):
	case FCC(0xA9, 't', 'o', 'o'):
	case FCC(0xA9, 'e', 'n', 'c'):
		return MR_DEVICE;
	case FCC(0xA9, 'A', 'R', 'T'):
	case FCC(0xA9, 'a', 'u', 't'):
	case FCC(0xA9, 'w', 'r', 't'):
	case FCC(0xA9, 'c', 'p', 'y'):
	case FCC('a', 'A', 'R', 'T'):
	case FCC('a', 'u', 't', 'h'):
	case FCC('p', 'e', 'r', 'f'):
	case FCC('c', 'p', 'r', 't'):
		return MR_AUTHOR;
	case FCC(0xA9, 'd', 'a', 'y'):
		return MR_TIMESTAMPS;
	case FCC(0xA9, 'c', 'm', 't'):
	case FCC(0xA9, 'd', 'e', 's'):
	case FCC(0xA9, 'n', 'a', 'm'):
	case FCC(0xA9, 'i', 'n', 'f'):
	case FCC(0xA9, 'a', 'l', 'b'):
	case FCC('d', 'e', 's', 'c'):
	case FCC('d', 's', 'c', 'p'):
	case FCC('t', 'i', 't', 'l'):
	case FCC('k', 'y', 'w', 'd'):
		return MR_COMMENTS;
	case FCC('X', 'M', 'P', '_'):
		return MR_XMP;
	case FCC('h', 'd', 'l', 'r'):
	case FCC('f', 'r', 'e', 'e'):
	case FCC('s', 'k', 'i', 'p'):
	case FCC('i', 'l', 's', 't'):
	case FCC('k', 'e', 'y', 's'):
	case FCC('m', 'e', 't', 'a'):
		return 0;
	}
	return t < 0x10000 ? 0 : MR_OTHER; /* QuickTime ilst items are key numbers: see keys */
}

/* The key names of a keys box (after its version and flags). */
static unsigned keys_class(const unsigned char *p, size_t n)
{
	static const struct {
		const char *s;
		unsigned bits;
	} words[] = {{"location", MR_GPS},       {"make", MR_DEVICE},        {"model", MR_DEVICE},
	             {"software", MR_DEVICE},    {"creationdate", MR_TIMESTAMPS},
	             {"author", MR_AUTHOR},      {"artist", MR_AUTHOR},      {"copyright", MR_AUTHOR},
	             {"comment", MR_COMMENTS},   {"description", MR_COMMENTS},
	             {"title", MR_COMMENTS},     {"keywords", MR_COMMENTS}};
	unsigned bits = 0;
	size_t i = 8; /* version, flags, entry count */
	while (n >= 8 && i <= n - 8) {
		uint32_t size = mf_be32(p + i);
		if (size < 8 || size > n - i)
			return bits | MR_OTHER;
		unsigned found = 0;
		for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
			if (memmem(p + i + 8, size - 8, words[w].s, strlen(words[w].s)))
				found |= words[w].bits;
		bits |= found ? found : MR_OTHER;
		i += size;
	}
	return bits;
}

/* ---- HEIF items ---- */

/* An unsigned of `size` bytes (0, 2, 4 or 8) at *i, within n; false when it is not there. */
static bool uint_at(const unsigned char *p, size_t n, size_t *i, unsigned size, uint64_t *v)
{
	if (size > n - *i)
		return false;
	*v = 0;
	for (unsigned k = 0; k < size; k++)
		*v = *v << 8 | p[*i + k];
	*i += size;
	return true;
}

/* iinf payload: the Exif and XMP items. */
static bool parse_iinf(struct media_filter *f, const unsigned char *p, size_t n)
{
	struct mf_bmff *m = &f->u.bmff;
	if (n < 4)
		return false;
	size_t i = p[0] == 0 ? 6 : 8;
	while (n >= 8 && i <= n - 8) {
		uint32_t size = mf_be32(p + i);
		if (size < 8 || size > n - i)
			return false;
		const unsigned char *e = p + i + 8;
		size_t en = size - 8, j = 4;
		i += size;
		if (mf_be32(p + i - size + 4) != FCC('i', 'n', 'f', 'e') || en < 4)
			continue;
		unsigned v = e[0];
		uint64_t id, prot, type = 0;
		if (!uint_at(e, en, &j, v == 3 ? 4 : 2, &id) || !uint_at(e, en, &j, 2, &prot))
			return false;
		if (v >= 2 && !uint_at(e, en, &j, 4, &type))
			return false;
		const unsigned char *name_end = memchr(e + j, 0, en - j);
		unsigned kind = 0;
		if (type == FCC('E', 'x', 'i', 'f')) {
			kind = K_EXIF;
		} else if (type == FCC('m', 'i', 'm', 'e') || v < 2) {
			size_t ct = name_end ? (size_t)(name_end - e) + 1 : en;
			if (ct < en && memmem(e + ct, en - ct, "rdf+xml", 7))
				kind = K_XMP;
		}
		if (!kind)
			continue;
		if (m->nitems == sizeof m->items / sizeof m->items[0])
			return false;
		m->items[m->nitems].id = (uint32_t)id;
		m->items[m->nitems++].kind = kind;
	}
	return true;
}

static unsigned item_kind(const struct mf_bmff *m, uint64_t id)
{
	for (unsigned i = 0; i < m->nitems; i++)
		if (m->items[i].id == id)
			return m->items[i].kind;
	return 0;
}

/* iloc payload: the ranges of the items iinf named. False for what cannot be zeroed. */
static bool parse_iloc(struct media_filter *f, const unsigned char *p, size_t n)
{
	struct mf_bmff *m = &f->u.bmff;
	if (n < 8)
		return false;
	unsigned v = p[0], off_size = p[4] >> 4, len_size = p[4] & 15, base_size = p[5] >> 4;
	unsigned index_size = v >= 1 ? p[5] & 15 : 0;
	size_t i = 6;
	uint64_t count;
	if (!uint_at(p, n, &i, v < 2 ? 2 : 4, &count))
		return false;
	if (off_size + len_size + index_size == 0)
		return false; /* extents of no bytes: nothing bounds the loop below */
	bool ok = true;
	for (uint64_t k = 0; k < count; k++) {
		uint64_t id, method = 0, dref, base, extents;
		if (!uint_at(p, n, &i, v < 2 ? 2 : 4, &id) ||
		    (v >= 1 && !uint_at(p, n, &i, 2, &method)) || !uint_at(p, n, &i, 2, &dref) ||
		    !uint_at(p, n, &i, base_size, &base) || !uint_at(p, n, &i, 2, &extents))
			return false;
		unsigned kind = item_kind(m, id);
		for (uint64_t x = 0; x < extents; x++) {
			uint64_t index, off, len;
			if (!uint_at(p, n, &i, index_size, &index) || !uint_at(p, n, &i, off_size, &off) ||
			    !uint_at(p, n, &i, len_size, &len))
				return false;
			if (!kind)
				continue;
			if ((method & 15) != 0 || dref != 0 || len == 0 || off > UINT64_MAX - base ||
			    base + off > UINT64_MAX - len || base + off < m->pos ||
			    m->nranges == sizeof m->ranges / sizeof m->ranges[0]) {
				ok = false;
				continue;
			}
			m->ranges[m->nranges].start = base + off;
			m->ranges[m->nranges].len = len;
			m->ranges[m->nranges++].kind = kind;
		}
	}
	return ok;
}

/* iinf or iloc held whole in buf (header of hdr bytes first). */
static void item_box(struct media_filter *f, uint32_t type, size_t hdr, size_t total)
{
	struct mf_bmff *m = &f->u.bmff;
	const unsigned char *p = f->buf + hdr;
	size_t n = total - hdr;
	bool ok = true;
	if (type == FCC('i', 'i', 'n', 'f')) {
		m->iinf_seen = true;
		ok = parse_iinf(f, p, n);
		if (f->heap) {
			ok = parse_iloc(f, f->heap, m->iloc_len) && ok;
			free(f->heap);
			f->heap = NULL;
			f->heap_cap = 0;
		}
	} else if (m->iinf_seen) {
		ok = parse_iloc(f, p, n);
	} else if (f->heap == NULL && (f->heap = malloc(n ? n : 1)) != NULL) {
		memcpy(f->heap, p, n);
		f->heap_cap = m->iloc_len = n;
	} else {
		ok = false;
	}
	if (!ok)
		f->raw = true; /* goes on, but not cleaned */
}

/* ---- neutralising ---- */

/* The box whose header (hdr bytes) is in buf becomes 'free' of zeros; walk: read its
 * children to tell what they were (meta: from its own layout). */
static void neutralise(struct media_filter *f, size_t hdr, bool walk, unsigned bits)
{
	struct mf_bmff *m = &f->u.bmff;
	bool meta = mf_be32(f->buf + 4) == FCC('m', 'e', 't', 'a');
	memcpy(f->buf + 4, "free", 4);
	if (hdr >= 24 && memcmp(f->buf + hdr - 16, XMP_UUID, 16) == 0)
		memset(f->buf + hdr - 16, 0, 16);
	mf_emit(f, f->buf, hdr);
	f->removed |= bits;
	if (!walk || m->box_end == NO_END) {
		f->removed |= walk ? MR_OTHER : 0;
		mf_run(f, m->box_end - m->pos, MF_ZERO);
		m->pos = m->box_end;
		after_run(f, B_BOX);
		return;
	}
	m->zend = m->box_end;
	if (meta && m->zend - m->pos >= 8) {
		f->state = B_ZMETA;
		f->hold_meta = true;
		mf_collect(f, 8);
		return;
	}
	after_run(f, B_Z);
}

static void znext(struct media_filter *f)
{
	struct mf_bmff *m = &f->u.bmff;
	uint64_t left = m->zend - m->pos;
	if (left == 0) {
		next_box(f);
		return;
	}
	if (left < 8) {
		mf_run(f, left, MF_ZERO);
		m->pos = m->zend;
		after_run(f, B_Z);
		return;
	}
	f->state = B_ZHDR;
	f->hold_meta = true;
	mf_collect(f, 8);
}

/* A child header is in buf[0..8) (zeroed region). */
static void zchild(struct media_filter *f)
{
	struct mf_bmff *m = &f->u.bmff;
	uint64_t left = m->zend - m->pos;
	uint64_t size = mf_be32(f->buf);
	uint32_t type = mf_be32(f->buf + 4);
	f->hold_meta = false;
	if (size < 8 || size > left) { /* a size this walk does not follow: zero the rest */
		f->removed |= MR_OTHER;
		mf_zeros(f, 8);
		mf_run(f, left - 8, MF_ZERO);
		m->pos = m->zend;
		after_run(f, B_Z);
		return;
	}
	f->removed |= child_class(type);
	mf_zeros(f, 8);
	m->pos += 8;
	if (type == FCC('m', 'e', 't', 'a') && size >= 16) { /* ISO (version, flags) or QuickTime */
		f->state = B_ZMETA;
		f->hold_meta = true;
		mf_collect(f, 8);
		return;
	}
	if (type == FCC('i', 'l', 's', 't') || type == FCC('m', 'e', 't', 'a')) {
		znext(f); /* their children follow, inside the zeroed region */
		return;
	}
	if (type == FCC('k', 'e', 'y', 's') && size - 8 <= MF_BUF) {
		f->state = B_ZKEYS;
		f->hold_meta = true;
		mf_collect(f, (size_t)size - 8);
		m->pos += size - 8;
		return;
	}
	mf_run(f, size - 8, MF_ZERO);
	m->pos += size - 8;
	after_run(f, B_Z);
}

/* ---- the boxes ---- */

static bool descends(uint32_t type)
{
	return type == FCC('m', 'o', 'o', 'v') || type == FCC('t', 'r', 'a', 'k') ||
	       type == FCC('m', 'd', 'i', 'a') || type == FCC('m', 'o', 'o', 'f') ||
	       type == FCC('t', 'r', 'a', 'f');
}

/* Header complete in buf[0..hdr). */
static void box(struct media_filter *f, size_t hdr, uint64_t size)
{
	struct mf_bmff *m = &f->u.bmff;
	uint32_t type = mf_be32(f->buf + 4);
	uint32_t parent = m->depth ? m->type[m->depth] : 0;
	uint64_t start = m->pos;
	uint64_t limit = m->depth ? m->end[m->depth] : NO_END;
	if (size == 0) {
		m->box_end = limit;
	} else if (size < hdr || size > limit - start) {
		mf_raw(f);
		return;
	} else {
		m->box_end = start + size;
	}
	m->pos = start + hdr;
	uint64_t payload = m->box_end == NO_END ? NO_END : m->box_end - m->pos;

	if (type == FCC('u', 'u', 'i', 'd') && memcmp(f->buf + hdr - 16, XMP_UUID, 16) == 0) {
		neutralise(f, hdr, false, MR_XMP);
		return;
	}
	if (type == FCC('u', 'd', 't', 'a') || (type == FCC('m', 'e', 't', 'a') && m->depth > 0 &&
	                                        parent != FCC('m', 'e', 't', 'a'))) {
		neutralise(f, hdr, true, 0);
		return;
	}
	bool container = descends(type) || (type == FCC('m', 'e', 't', 'a') && m->depth == 0);
	if (container && m->depth == DEPTH - 1)
		f->raw = true; /* nested deeper than followed here: passed unread, not cleaned */
	else if (container) {
		mf_emit(f, f->buf, hdr);
		m->depth++;
		m->end[m->depth] = m->box_end;
		m->type[m->depth] = type;
		if (type == FCC('m', 'e', 't', 'a')) {
			if (payload < 4) {
				f->have = 0; /* the header has gone out */
				mf_raw(f);
				return;
			}
			f->state = B_FULL;
			mf_collect(f, 4);
			return;
		}
		next_box(f);
		return;
	}
	bool times = type == FCC('m', 'v', 'h', 'd') || type == FCC('t', 'k', 'h', 'd') ||
	             type == FCC('m', 'd', 'h', 'd');
	if (times && payload >= 20) {
		f->state = B_TIMES;
		mf_more(f, hdr + 20);
		return;
	}
	bool item = parent == FCC('m', 'e', 't', 'a') && m->depth == 1 &&
	            (type == FCC('i', 'i', 'n', 'f') || type == FCC('i', 'l', 'o', 'c'));
	if (item && payload <= MF_BUF - hdr) {
		f->state = B_WHOLE;
		mf_more(f, hdr + (size_t)payload);
		return;
	}
	if (item)
		f->raw = true; /* too large to read: its items stay */
	mf_emit(f, f->buf, hdr);
	region(f, m->box_end);
}

static void step(struct media_filter *f)
{
	struct mf_bmff *m = &f->u.bmff;
	unsigned char *b = f->buf;
	switch (f->state) {
	case B_BOX:
		next_box(f);
		return;

	case B_HDR: {
		uint32_t size32 = mf_be32(b);
		size_t hdr = size32 == 1 ? 16 : 8;
		if (mf_be32(b + 4) == FCC('u', 'u', 'i', 'd'))
			hdr += 16;
		if (f->have < hdr) {
			mf_more(f, hdr);
			return;
		}
		uint64_t size = size32;
		if (size32 == 1)
			size = (uint64_t)mf_be32(b + 8) << 32 | mf_be32(b + 12);
		box(f, hdr, size);
		return;
	}

	case B_FULL: /* version and flags of the top-level meta */
		mf_emit(f, b, 4);
		m->pos += 4;
		next_box(f);
		return;

	case B_TIMES: { /* the header, then version, flags, creation and modification times */
		size_t hdr = f->have - 20;
		unsigned char *t = b + hdr + 4;
		size_t n = b[hdr] == 1 ? 16 : 8;
		for (size_t i = 0; i < n; i++)
			if (t[i]) {
				f->removed |= MR_TIMESTAMPS;
				break;
			}
		memset(t, 0, n);
		mf_emit(f, b, f->have);
		m->pos += 20;
		region(f, m->box_end);
		return;
	}

	case B_WHOLE: {
		size_t total = f->have, hdr = total - (size_t)(m->box_end - m->pos);
		item_box(f, mf_be32(b + 4), hdr, total);
		mf_emit(f, b, total);
		m->pos = m->box_end;
		next_box(f);
		return;
	}

	case B_REGION:
		region_next(f);
		return;

	case B_ITEM: { /* XMP, or Exif: a 4-byte offset to the TIFF header, then Exif */
		unsigned orientation;
		bool be;
		size_t n = f->have;
		uint32_t skip = n >= 4 ? mf_be32(b) : 0;
		bool zero = true;
		for (size_t i = 0; i < n && zero; i++)
			zero = b[i] == 0;
		if (zero)
			; /* zeroed already: nothing there */
		else if (f->u.bmff.item_kind == K_XMP)
			f->removed |= MR_XMP;
		else if (n >= 4 && skip <= n - 4)
			f->removed |= mf_exif(b + 4 + skip, n - 4 - skip, &orientation, &be);
		else
			f->removed |= MR_OTHER;
		f->hold_meta = false;
		mf_zeros(f, n);
		m->pos += n;
		region_next(f);
		return;
	}

	case B_Z:
		znext(f);
		return;

	case B_ZHDR:
		zchild(f);
		return;

	case B_ZMETA: /* after a meta header: QuickTime's has a child header here, ISO's 4 bytes */
		if (mf_be32(b + 4) == FCC('h', 'd', 'l', 'r')) {
			zchild(f);
			return;
		}
		f->hold_meta = false;
		mf_zeros(f, 4);
		m->pos += 4;
		if (m->zend - m->pos < 8) {
			mf_zeros(f, 4);
			m->pos += 4;
			znext(f);
			return;
		}
		memmove(b, b + 4, 4);
		f->hold_meta = true;
		f->have = 4;
		f->state = B_ZHDR;
		mf_more(f, 8);
		return;

	case B_ZKEYS:
		f->removed |= keys_class(b, f->have);
		f->hold_meta = false;
		mf_zeros(f, f->have);
		after_run(f, B_Z);
		return;
	}
	mf_raw(f);
}

void mf_bmff_init(struct media_filter *f)
{
	f->step = step;
	f->scan = scan;
	f->u.bmff.end[0] = NO_END;
	f->state = B_HDR;
	mf_collect(f, 8);
	f->may_end = true;
}
