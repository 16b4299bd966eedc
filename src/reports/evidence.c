/* evidence.c: evidence files as they stream in: the type from the first bytes (never the
 * name or the client's claim), then crypto_secretstream in FILE_CHUNK pieces, each staged in
 * its own short transaction, so memory stays bounded whatever the size. Staged files are
 * invisible until the transaction that attaches them to a report. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/refdata.h"
#include "reports/internal.h"

int64_t hour_of(int64_t t)
{
	return t - t % 3600;
}

static void state_free(void *p)
{
	struct upload_state *u = p;
	if (!u)
		return;
	sub_fields_release(&u->fields);
	sodium_free(u->keys);
	sodium_free(u->ss);
	media_filter_free(u->filter);
	if (u->chunk) {
		sodium_memzero(u->chunk, FILE_CHUNK);
		free(u->chunk);
	}
	sodium_memzero(u, sizeof *u);
	free(u);
}

int upload_state_new(struct request *r)
{
	struct upload_state *u = calloc(1, sizeof *u);
	if (u) {
		u->keys = sodium_malloc(3 * RKEY_BYTES);
		u->ss = sodium_malloc(sizeof *u->ss);
		u->chunk = malloc(FILE_CHUNK);
	}
	if (!u || !u->keys || !u->ss || !u->chunk) {
		state_free(u);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	settings_get(&u->settings);
	r->upload_state = u;
	r->upload_state_free = state_free;
	return 0;
}

/* The last path element, without control characters, at most 200 bytes of whole UTF-8. */
static void clean_name(const char *in, char out[256])
{
	const char *base = in;
	for (const char *p = in; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)base; *p && n < 200; p++)
		if (*p >= 0x20 && *p != 0x7F)
			out[n++] = (char)*p;
	while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80) /* a cut multi-byte char */
		n--;
	if (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
		n--;
	out[n] = '\0';
	json_t *check = json_string(out); /* NULL when not valid UTF-8 */
	if (!n || !check)
		strcpy(out, "file");
	json_decref(check);
}

/* ["gps", "device", …] */
static json_t *removed_json(unsigned removed)
{
	const char *names[9];
	json_t *list = json_array();
	media_removed_names(removed, names);
	for (int i = 0; names[i]; i++)
		json_array_append_new(list, json_string(names[i]));
	return list;
}

int evidence_file_begin(struct request *r, const char *field, const char *filename)
{
	struct upload_state *u = r->upload_state;
	if (strcmp(field, "evidence") != 0) {
		reply_error(r, ERR_BAD_REQUEST, field);
		return -1;
	}
	if (u->nfiles >= (int)u->settings.max_files || u->nfiles >= MAX_FILES_HARD) {
		reply_error(r, ERR_TOO_LARGE, "evidence");
		return -1;
	}
	struct staged *f = &u->files[u->nfiles];
	memset(f, 0, sizeof *f);
	crypto_random_id(f->id);
	clean_name(filename, f->name);
	u->maybe_none = filename[0] == '\0';
	u->in_file = true;
	u->head_len = 0;
	u->sniffed = u->row_made = false;
	u->chunk_len = 0;
	u->chunk_seq = 0;
	crypto_secretstream_xchacha20poly1305_keygen(u->file_key);
	crypto_secretstream_xchacha20poly1305_init_push(u->ss, u->header, u->file_key);
	return 0;
}

/* How often an upload still arriving marks its staged files as active (one write per file). */
#define UPLOAD_TOUCH_SECONDS 60

struct chunk_tx {
	struct upload_state *u;
	struct staged *f;
	const unsigned char *data;
	size_t len;
	int64_t now;
	bool touched;   /* out: the staged files were marked active */
};

/* An upload still arriving is not abandoned: at most once a minute every file it has staged,
 * those finished earlier in the body too, gets staged_at = now, so the sweep of abandoned
 * uploads counts from the upload's last activity, not from its first chunk. */
static int touch_staged(struct store *st, struct chunk_tx *c)
{
	struct upload_state *u = c->u;
	c->touched = false;
	if (c->now - u->touched_at < UPLOAD_TOUCH_SECONDS)
		return STORE_OK;
	int rc = STORE_OK;
	for (int i = 0; rc == STORE_OK && i < u->nfiles; i++)
		rc = st->file_touch(st->cls, u->files[i].id, c->now);
	if (rc == STORE_OK && u->row_made) /* else its row is being made with staged_at = now */
		rc = st->file_touch(st->cls, c->f->id, c->now);
	c->touched = rc == STORE_OK;
	return rc;
}

static int chunk_tx(struct store *st, void *arg)
{
	struct chunk_tx *c = arg;
	struct upload_state *u = c->u;
	int rc = touch_staged(st, c);
	if (rc == STORE_OK && !u->row_made) {
		struct store_file row = { .staged_at = c->now };
		memcpy(row.id, c->f->id, sizeof row.id);
		strcpy(row.added_by, "reporter");
		box_seal(row.stream_key, u->file_key, RKEY_BYTES, K_REPORT(u), u->report_id, c->f->id,
		         "reporter", BOX_FILE_KEY);
		memcpy(row.header, u->header, sizeof row.header);
		rc = st->file_insert(st->cls, &row);
	}
	if (rc == STORE_OK)
		rc = st->file_chunk_put(st->cls, c->f->id, u->chunk_seq, c->data, c->len);
	return rc;
}

/* Encrypts and stages the waiting plaintext as one chunk. */
static int stage_chunk(struct request *r, bool final)
{
	struct upload_state *u = r->upload_state;
	struct staged *f = &u->files[u->nfiles];
	size_t clen = u->chunk_len + FILE_CHUNK_OVERHEAD;
	unsigned char *c = malloc(clen);
	if (!c) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	crypto_secretstream_xchacha20poly1305_push(
		u->ss, c, NULL, u->chunk, u->chunk_len, NULL, 0,
		final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
	struct chunk_tx t = { u, f, c, clen, (int64_t)time(NULL), false };
	int rc = store_tx_staging(r->ctx->store, chunk_tx, &t);
	free(c);
	if (rc != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	if (t.touched)
		u->touched_at = t.now;
	u->row_made = true;
	u->chunk_seq++;
	u->chunk_len = 0;
	return 0;
}

/* Appends plaintext, staging every full chunk. */
static int append(struct request *r, const unsigned char *p, size_t n)
{
	struct upload_state *u = r->upload_state;
	u->files[u->nfiles].stored += (int64_t)n;
	while (n > 0) {
		size_t take = FILE_CHUNK - u->chunk_len < n ? FILE_CHUNK - u->chunk_len : n;
		memcpy(u->chunk + u->chunk_len, p, take);
		u->chunk_len += take;
		p += take;
		n -= take;
		if (u->chunk_len == FILE_CHUNK && stage_chunk(r, false) != 0)
			return -1;
	}
	return 0;
}

static int emit(void *arg, const unsigned char *p, size_t n)
{
	return append(arg, p, n);
}

/* Bytes of the file, through metadata removal when there is a filter for its type. */
static int feed(struct request *r, const unsigned char *p, size_t n)
{
	struct upload_state *u = r->upload_state;
	if (!u->filter)
		return append(r, p, n);
	return media_filter_feed(u->filter, p, n, emit, r); /* -1 only when append replied */
}

/* Decides the type from the bytes seen so far; 415 for anything not accepted. */
static int sniff(struct request *r, bool complete)
{
	struct upload_state *u = r->upload_state;
	struct staged *f = &u->files[u->nfiles];
	if (complete && u->head_len == 0) {
		reply_error(r, ERR_INVALID_FIELD, "evidence"); /* an empty file */
		return -1;
	}
	f->type = media_sniff(u->head, u->head_len, complete);
	if (f->type == MT_UNKNOWN) {
		reply_unsupported(r, refdata_evidence_types);
		return -1;
	}
	u->sniffed = true;
	/* Identifying metadata goes before anything is encrypted, unless the reporter asked to
	 * keep the file exactly as it is. */
	if (!u->keep_metadata)
		u->filter = media_filter_new(f->type);
	return feed(r, u->head, u->head_len);
}

int evidence_file_data(struct request *r, const unsigned char *p, size_t n)
{
	struct upload_state *u = r->upload_state;
	struct staged *f = &u->files[u->nfiles];
	f->size += (int64_t)n;
	if ((uint64_t)f->size > u->settings.max_file_bytes) {
		reply_error(r, ERR_TOO_LARGE, "evidence");
		return -1;
	}
	if (!u->sniffed) {
		size_t take = SNIFF_BYTES - u->head_len < n ? SNIFF_BYTES - u->head_len : n;
		memcpy(u->head + u->head_len, p, take);
		u->head_len += take;
		p += take;
		n -= take;
		if (u->head_len < SNIFF_BYTES)
			return 0;
		if (sniff(r, false) != 0)
			return -1;
	}
	return feed(r, p, n);
}

struct finish_tx {
	struct store_file row;
};

static int finish_tx(struct store *st, void *arg)
{
	return st->file_finish(st->cls, &((struct finish_tx *)arg)->row);
}

int evidence_file_end(struct request *r)
{
	struct upload_state *u = r->upload_state;
	struct staged *f = &u->files[u->nfiles];
	if (u->maybe_none && f->size == 0) { /* no file was chosen: nothing to keep */
		u->in_file = false;
		return 0;
	}
	if (!u->sniffed && sniff(r, true) != 0)
		return -1;
	/* Plain text holds no hidden data: nothing to remove, so it is clean as sent (unless the
	 * reporter asked to keep everything, which says nothing was looked at). */
	if (f->type == MT_TEXT && !u->keep_metadata)
		f->cleaned = true;
	if (u->filter) {
		if (media_filter_finish(u->filter, emit, r) != 0)
			return -1;
		f->cleaned = media_filter_cleaned(u->filter);
		f->removed = media_filter_removed(u->filter);
		media_filter_free(u->filter);
		u->filter = NULL;
	}
	if (stage_chunk(r, true) != 0)
		return -1;
	/* Name, type and what was removed, under K_report. */
	json_t *meta = json_pack("{s:s,s:s,s:b,s:o}", "name", f->name, "type", media_mime(f->type),
	                         "cleaned", f->cleaned, "removed", removed_json(f->removed));
	char *text = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
	json_decref(meta);
	struct finish_tx t = { .row = { .size = f->stored, .chunks = u->chunk_seq } };
	memcpy(t.row.id, f->id, sizeof t.row.id);
	size_t n = text ? strlen(text) : 0;
	t.row.meta_len = n + BOX_OVERHEAD;
	t.row.meta = text ? malloc(t.row.meta_len) : NULL;
	if (t.row.meta)
		box_seal(t.row.meta, (unsigned char *)text, n, K_REPORT(u), u->report_id, f->id,
		         "reporter", BOX_FILE_META);
	free(text);
	int rc = t.row.meta ? store_tx_staging(r->ctx->store, finish_tx, &t) : STORE_ERR;
	free(t.row.meta);
	if (rc != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	sodium_memzero(u->file_key, sizeof u->file_key);
	u->in_file = false;
	u->nfiles++;
	return 0;
}

json_t *evidence_files_json(const struct upload_state *u)
{
	json_t *files = json_array();
	for (int i = 0; i < u->nfiles; i++) {
		const struct staged *f = &u->files[i];
		json_array_append_new(files, json_pack("{s:s,s:s,s:I,s:b,s:o}", "name", f->name, "type",
		                                       media_mime(f->type), "size", (json_int_t)f->stored,
		                                       "cleaned", f->cleaned, "removed",
		                                       removed_json(f->removed)));
	}
	return files;
}

int evidence_attach(struct store *st, const struct upload_state *u, const char *report_id,
                    int64_t at)
{
	int rc = STORE_OK;
	for (int i = 0; rc == STORE_OK && i < u->nfiles; i++)
		rc = st->file_attach(st->cls, u->files[i].id, report_id, at);
	if (rc == STORE_NONE)
		log_error("evidence: a staged file vanished before its report was saved");
	return rc;
}

int reports_sweep(struct store *st, int64_t age, int64_t *n)
{
	return st->files_sweep(st->cls, (int64_t)time(NULL) - age, n);
}
