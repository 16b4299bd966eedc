/* office.c: DOCX, XLSX, PPTX, ODT and ODS metadata-removal filter (media/filter.h), over libzip; the part that knows which entries hold metadata is written here; fuzzed (fuzz/office_fuzz.c). */
/*
 * A ZIP archive's directory is at its end and every entry can be compressed, so this is the
 * one filter that holds the whole file: in heap memory (never on disk), up to MF_OFFICE_MAX
 * bytes; a larger document is stored as it is and is not cleaned. At the end libzip opens it
 * from memory and writes the new archive into memory.
 *
 *   docProps/core.xml   creator, lastModifiedBy (MR_AUTHOR), created, modified, lastPrinted
 *                       (MR_TIMESTAMPS), title, subject, description, keywords (MR_COMMENTS),
 *                       revision and the rest (MR_OTHER): becomes an empty coreProperties.
 *   docProps/app.xml    Company, Manager (MR_AUTHOR), Application, AppVersion, Template
 *                       (MR_DEVICE), TotalTime (MR_OTHER): becomes an empty Properties.
 *   docProps/custom.xml custom properties (MR_OTHER): becomes an empty Properties.
 *   meta.xml (ODF)      initial-creator, creator, printed-by (MR_AUTHOR), creation-date, date,
 *                       print-date (MR_TIMESTAMPS), generator (MR_DEVICE), title, subject,
 *                       description, keyword (MR_COMMENTS), editing statistics and
 *                       user-defined fields (MR_OTHER): becomes an empty office:meta.
 *   every entry         its modification time becomes 1980-01-01 (MR_TIMESTAMPS), its extra
 *                       fields (more times, Unix owners) and comments go (MR_OTHER), as does
 *                       the archive comment (MR_COMMENTS).
 * Other entries are copied compressed as they are. A document in which none of this is found
 * comes out byte for byte. Not removed: names in comments, tracked changes and the document
 * text itself, printer names in settings, and thumbnails.
 * Not cleaned (stored unchanged): larger than MF_OFFICE_MAX, not a ZIP libzip can read, a
 * metadata entry it cannot read (encrypted, or over 4 MiB), or a failed rewrite.
 */
#define MEDIA_FILTER_INTERNAL
#include "media/filter.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zip.h>

#define PART_MAX (4u << 20) /* a metadata entry read to tell what it held */

/* ---- holding the archive ---- */

static void wipe_heap(struct media_filter *f)
{
	if (f->heap)
		explicit_bzero(f->heap, f->heap_cap);
	free(f->heap);
	f->heap = NULL;
	f->heap_cap = f->u.office.len = 0;
}

/* Grows the buffer without leaving a copy of the old contents in freed memory. */
static bool grow(struct media_filter *f, size_t need)
{
	size_t cap = f->heap_cap ? f->heap_cap : 65536;
	while (cap < need)
		cap *= 2;
	if (cap > MF_OFFICE_MAX)
		cap = MF_OFFICE_MAX;
	unsigned char *p = malloc(cap);
	if (p == NULL)
		return false;
	if (f->u.office.len)
		memcpy(p, f->heap, f->u.office.len);
	size_t len = f->u.office.len;
	wipe_heap(f);
	f->heap = p;
	f->heap_cap = cap;
	f->u.office.len = len;
	return true;
}

/* ---- what a metadata part holds ---- */

/* Whether element `name` (any prefix) occurs with content or attributes other than xmlns. */
static bool has_elem(const char *x, size_t n, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = x; (p = memmem(p, n - (size_t)(p - x), name, len)) != NULL; p++) {
		size_t at = (size_t)(p - x);
		if (at == 0 || (x[at - 1] != '<' && x[at - 1] != ':'))
			continue;
		size_t lt = at - 1;
		while (lt > 0 && x[lt] != '<' && x[lt] != '/' && x[lt] != ' ')
			lt--;
		if (x[lt] != '<' || at + len >= n)
			continue; /* a closing tag, or an attribute name */
		char after = x[at + len];
		if (after != '>' && after != ' ' && after != '/')
			continue;
		const char *gt = memchr(p, '>', n - at);
		if (gt == NULL)
			return true;
		if (gt[-1] == '/' && after == '/')
			continue; /* <x/> */
		size_t end = (size_t)(gt - x) + 1;
		if (end < n && x[end] != '<')
			return true;
		if (after == ' ' && gt[-1] == '/')
			return true; /* <x attr="…"/>: ODF user fields carry their value here */
	}
	return false;
}

struct word {
	const char *name;
	unsigned bits;
};

static const struct word core_words[] = {
	{"creator", MR_AUTHOR},     {"lastModifiedBy", MR_AUTHOR}, {"created", MR_TIMESTAMPS},
	{"modified", MR_TIMESTAMPS}, {"lastPrinted", MR_TIMESTAMPS}, {"title", MR_COMMENTS},
	{"subject", MR_COMMENTS},   {"description", MR_COMMENTS},  {"keywords", MR_COMMENTS},
	{"category", MR_COMMENTS},  {"contentStatus", MR_OTHER},   {"revision", MR_OTHER},
	{"identifier", MR_OTHER},   {"language", MR_OTHER},        {"version", MR_OTHER},
	{NULL, 0}};
static const struct word app_words[] = {
	{"Company", MR_AUTHOR},      {"Manager", MR_AUTHOR},  {"Application", MR_DEVICE},
	{"AppVersion", MR_DEVICE},   {"Template", MR_DEVICE}, {"TotalTime", MR_OTHER},
	{"HyperlinkBase", MR_OTHER}, {NULL, 0}};
static const struct word custom_words[] = {{"property", MR_OTHER}, {NULL, 0}};
static const struct word odf_words[] = {
	{"initial-creator", MR_AUTHOR},   {"creator", MR_AUTHOR},         {"printed-by", MR_AUTHOR},
	{"creation-date", MR_TIMESTAMPS}, {"date", MR_TIMESTAMPS},        {"print-date", MR_TIMESTAMPS},
	{"generator", MR_DEVICE},         {"title", MR_COMMENTS},         {"subject", MR_COMMENTS},
	{"description", MR_COMMENTS},     {"keyword", MR_COMMENTS},       {"editing-duration", MR_OTHER},
	{"editing-cycles", MR_OTHER},     {"user-defined", MR_OTHER},     {"template", MR_OTHER},
	{"document-statistic", MR_OTHER}, {NULL, 0}};

static unsigned classify(const char *x, size_t n, const struct word *w)
{
	unsigned bits = 0;
	for (; w->name; w++)
		if (has_elem(x, n, w->name))
			bits |= w->bits;
	return bits;
}

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define VT_NS "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

static const struct part {
	const char *name;
	const struct word *words;
	const char *empty;
} parts[] = {
	{"docProps/core.xml", core_words,
	 XML_HEAD "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/"
	          "metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	          "xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/"
	          "XMLSchema-instance\"></cp:coreProperties>"},
	{"docProps/app.xml", app_words,
	 XML_HEAD "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	          "extended-properties\" xmlns:vt=\"" VT_NS "\"></Properties>"},
	{"docProps/custom.xml", custom_words,
	 XML_HEAD "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	          "custom-properties\" xmlns:vt=\"" VT_NS "\"></Properties>"},
	{"meta.xml", odf_words,
	 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta xmlns:office=\"urn:"
	 "oasis:names:tc:opendocument:xmlns:office:1.0\" office:version=\"1.2\"><office:meta/>"
	 "</office:document-meta>"},
};

/* ---- the rewrite ---- */

/* The whole of entry i, NUL-terminated, in *out (free it); false when it cannot be read. */
static bool read_entry(zip_t *za, zip_uint64_t i, char **out, size_t *n)
{
	zip_stat_t st;
	if (zip_stat_index(za, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    st.size > PART_MAX)
		return false;
	char *p = malloc((size_t)st.size + 1);
	zip_file_t *zf = p ? zip_fopen_index(za, i, 0) : NULL;
	zip_int64_t got = zf ? zip_fread(zf, p, st.size) : -1;
	if (zf)
		zip_fclose(zf);
	if (got < 0 || (zip_uint64_t)got != st.size) {
		free(p);
		return false;
	}
	p[got] = '\0';
	*out = p;
	*n = (size_t)got;
	return true;
}

static time_t dos_epoch(void)
{
	struct tm tm = {.tm_year = 80, .tm_mon = 0, .tm_mday = 1, .tm_isdst = -1};
	return mktime(&tm); /* libzip turns it back into local DOS time: 1980-01-01 00:00 */
}

/* Changes what must change in za; returns false when something could not be read. */
static bool clean(struct media_filter *f, zip_t *za, bool *changed)
{
	bool ok = true;
	zip_int64_t count = zip_get_num_entries(za, 0);
	for (zip_int64_t i = 0; i < count; i++) { /* no document has these, and libzip 1.7 */
		const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
		if (name == NULL || name[0] == '\0') /* frees a bad pointer when changing one */
			return false;
	}
	for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
		zip_int64_t i = zip_name_locate(za, parts[k].name, 0);
		if (i < 0)
			continue;
		char *x;
		size_t n;
		if (!read_entry(za, (zip_uint64_t)i, &x, &n)) {
			ok = false;
			continue;
		}
		unsigned bits = classify(x, n, parts[k].words);
		free(x);
		if (!bits)
			continue;
		const char *e = parts[k].empty;
		zip_source_t *s = zip_source_buffer(za, e, strlen(e), 0);
		if (s == NULL || zip_file_replace(za, (zip_uint64_t)i, s, 0) != 0) {
			zip_source_free(s);
			ok = false;
			continue;
		}
		f->removed |= bits;
		*changed = true;
	}
	time_t epoch = dos_epoch();
	for (zip_int64_t i = 0; i < count; i++) {
		zip_stat_t st;
		zip_uint32_t clen = 0;
		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) == 0 && (st.valid & ZIP_STAT_MTIME) &&
		    st.mtime != epoch) {
			f->removed |= MR_TIMESTAMPS;
			*changed = true;
			if (zip_file_set_mtime(za, (zip_uint64_t)i, epoch, 0) != 0)
				ok = false;
		}
		if (zip_file_extra_fields_count(za, (zip_uint64_t)i, ZIP_FL_CENTRAL | ZIP_FL_LOCAL) > 0) {
			f->removed |= MR_OTHER;
			*changed = true;
			if (zip_file_extra_field_delete(za, (zip_uint64_t)i, ZIP_EXTRA_FIELD_ALL,
			                                ZIP_FL_CENTRAL | ZIP_FL_LOCAL) != 0)
				ok = false;
		}
		if (zip_file_get_comment(za, (zip_uint64_t)i, &clen, 0) && clen) {
			f->removed |= MR_OTHER;
			*changed = true;
			if (zip_file_set_comment(za, (zip_uint64_t)i, NULL, 0, 0) != 0)
				ok = false;
		}
	}
	int alen = 0;
	if (zip_get_archive_comment(za, &alen, 0) && alen) {
		f->removed |= MR_COMMENTS;
		*changed = true;
		if (zip_set_archive_comment(za, NULL, 0) != 0)
			ok = false;
	}
	return ok;
}

/* Emits what the buffer source now holds (the rewritten archive): 0, or -1 when nothing
 * could be read, -2 when it failed part way. */
static int emit_source(struct media_filter *f, zip_source_t *src)
{
	if (zip_source_open(src) != 0)
		return -1;
	unsigned char chunk[16384];
	zip_int64_t n;
	bool some = false;
	while ((n = zip_source_read(src, chunk, sizeof chunk)) > 0) {
		mf_emit(f, chunk, (size_t)n);
		some = true;
	}
	zip_source_close(src);
	explicit_bzero(chunk, sizeof chunk);
	return n == 0 ? 0 : some ? -2 : -1;
}

static void finish(struct media_filter *f)
{
	zip_error_t err;
	zip_error_init(&err);
	bool ok = false, changed = false, out = false;
	/* shorter than an end-of-directory record: libzip would take it for a new archive */
	zip_source_t *src = f->u.office.len >= 22
	                    ? zip_source_buffer_create(f->heap, f->u.office.len, 0, &err) : NULL;
	zip_t *za = src ? zip_open_from_source(src, 0, &err) : NULL;
	if (za) {
		zip_source_keep(src);
		ok = clean(f, za, &changed);
		if (!ok || !changed) {
			zip_discard(za);
		} else if (zip_close(za) != 0) {
			zip_discard(za);
			ok = false;
		} else {
			int rc = emit_source(f, src);
			ok = rc == 0;
			out = rc != -1;
		}
	}
	zip_source_free(src);
	zip_error_fini(&err);
	if (!ok)
		f->removed = 0; /* it all stays */
	if (!out)
		mf_emit(f, f->heap, f->u.office.len);
	wipe_heap(f);
	if (ok)
		mf_end(f);
	else
		f->raw = true;
}

static size_t scan(struct media_filter *f, const unsigned char *p, size_t n)
{
	if (p == NULL) {
		if (!f->u.office.over)
			finish(f);
		return 0;
	}
	if (f->u.office.over) {
		mf_pass(f, p, n);
		return n;
	}
	size_t len = f->u.office.len;
	if (n > MF_OFFICE_MAX - len || (len + n > f->heap_cap && !grow(f, len + n))) {
		/* too large (or no memory): out as it is */
		mf_emit(f, f->heap, len);
		mf_pass(f, p, n);
		wipe_heap(f);
		f->u.office.over = true;
		f->raw = true;
		return n;
	}
	memcpy((unsigned char *)f->heap + len, p, n);
	f->u.office.len = len + n;
	return n;
}

void mf_office_init(struct media_filter *f)
{
	f->scan = scan;
	mf_scan(f);
}
