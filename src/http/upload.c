/* upload.c: streaming multipart bodies in bounded memory (see upload.h). */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/settings.h"
#include "core/log.h"
#include "http/upload.h"

enum ev_kind { EV_BEGIN, EV_DATA, EV_END };

struct event {
	enum ev_kind kind;
	size_t off, len;   /* EV_DATA: bytes of buf */
	char *field, *filename;
};

struct upload {
	struct MHD_PostProcessor *pp;
	/* the part being parsed */
	bool in_part, part_is_file;
	char *part_name;
	char *value;       /* a non-file field's value so far */
	size_t value_len;
	bool files_started;
	bool begun;        /* ops->begin has run */
	/* the batch */
	unsigned char *buf;
	size_t used, cap;
	struct event *ev;
	size_t nev, evcap;
	size_t fields_bytes;
};

static struct event *push(struct upload *u, enum ev_kind kind)
{
	if (u->nev == u->evcap) {
		size_t cap = u->evcap ? u->evcap * 2 : 16;
		struct event *e = realloc(u->ev, cap * sizeof *e);
		if (!e)
			return NULL;
		u->ev = e;
		u->evcap = cap;
	}
	struct event *e = &u->ev[u->nev++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	return e;
}

/* Ends the current part: a field's value goes into r->json, a file gets its end event. */
static int end_part(struct request *r, struct upload *u)
{
	if (!u->in_part)
		return 0;
	u->in_part = false;
	int rc = 0;
	if (u->part_is_file) {
		rc = push(u, EV_END) ? 0 : -1;
	} else {
		json_t *v = json_stringn(u->value ? u->value : "", u->value_len);
		if (!v) {
			reply_error(r, ERR_INVALID_FIELD, u->part_name); /* not UTF-8 */
			rc = -1;
		} else {
			json_t *have = json_object_get(r->json, u->part_name);
			if (!have)
				json_object_set_new(r->json, u->part_name, v);
			else if (json_is_array(have))
				json_array_append_new(have, v);
			else
				json_object_set_new(r->json, u->part_name, json_pack("[O,o]", have, v));
		}
		if (u->value)
			sodium_memzero(u->value, u->value_len);
		free(u->value);
		u->value = NULL;
		u->value_len = 0;
	}
	free(u->part_name);
	u->part_name = NULL;
	return rc;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
	struct request *r = cls;
	struct upload *u = r->up;
	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (r->replied)
		return MHD_YES; /* draining */
	bool is_file = filename != NULL;
	if (off == 0 || !u->in_part || strcmp(u->part_name, key ? key : "") != 0) {
		if (end_part(r, u) != 0)
			return MHD_YES;
		u->in_part = true;
		u->part_is_file = is_file;
		u->part_name = strdup(key ? key : "");
		if (!u->part_name) {
			reply_error(r, ERR_INTERNAL, NULL);
			return MHD_YES;
		}
		if (is_file) {
			struct event *e = push(u, EV_BEGIN);
			if (!e || !(e->field = strdup(u->part_name)) || !(e->filename = strdup(filename))) {
				reply_error(r, ERR_INTERNAL, NULL);
				return MHD_YES;
			}
			u->files_started = true;
		} else if (u->files_started) {
			/* Fields first: a route decides about the files only once it has them all. */
			reply_error(r, ERR_BAD_REQUEST, u->part_name);
			return MHD_YES;
		}
	}
	if (size == 0)
		return MHD_YES;
	if (!is_file) {
		u->fields_bytes += size;
		struct settings st;
		settings_get(&st);
		if (u->fields_bytes > (size_t)st.max_message_chars * 4 + r->ctx->cfg->json_max_body) {
			reply_error(r, ERR_TOO_LARGE, key);
			return MHD_YES;
		}
		char *v = realloc(u->value, u->value_len + size + 1);
		if (!v) {
			reply_error(r, ERR_INTERNAL, NULL);
			return MHD_YES;
		}
		memcpy(v + u->value_len, data, size);
		u->value = v;
		u->value_len += size;
		return MHD_YES;
	}
	if (u->used + size > u->cap) {
		size_t cap = u->cap ? u->cap : UPLOAD_BATCH;
		while (cap < u->used + size)
			cap *= 2;
		unsigned char *b = realloc(u->buf, cap);
		if (!b) {
			reply_error(r, ERR_INTERNAL, NULL);
			return MHD_YES;
		}
		u->buf = b;
		u->cap = cap;
	}
	memcpy(u->buf + u->used, data, size);
	struct event *last = u->nev ? &u->ev[u->nev - 1] : NULL;
	if (last && last->kind == EV_DATA && last->off + last->len == u->used) {
		last->len += size;
	} else {
		struct event *e = push(u, EV_DATA);
		if (!e) {
			reply_error(r, ERR_INTERNAL, NULL);
			return MHD_YES;
		}
		e->off = u->used;
		e->len = size;
	}
	u->used += size;
	return MHD_YES;
}

int upload_start(struct request *r)
{
	r->up = calloc(1, sizeof *r->up);
	r->json = json_object();
	if (r->up)
		r->up->pp = MHD_create_post_processor(r->conn, 16 * 1024, on_part, r);
	if (!r->up || !r->json || !r->up->pp) {
		reply_error(r, r->up && !r->up->pp ? ERR_BAD_REQUEST : ERR_INTERNAL, NULL);
		return -1;
	}
	return 0;
}

int upload_feed(struct request *r, const char *data, size_t n)
{
	if (MHD_post_process(r->up->pp, data, n) != MHD_YES && !r->replied) {
		reply_error(r, ERR_BAD_REQUEST, NULL);
		return -1;
	}
	return r->replied ? -1 : 0;
}

bool upload_needs_flush(const struct request *r)
{
	const struct upload *u = r->up;
	return u && !r->replied && (u->used >= UPLOAD_BATCH || u->nev >= 64);
}

int upload_finish(struct request *r)
{
	struct upload *u = r->up;
	if (u->pp) {
		MHD_destroy_post_processor(u->pp); /* delivers what it still held */
		u->pp = NULL;
	}
	if (!r->replied)
		end_part(r, u);
	return r->replied ? -1 : 0;
}

void upload_flush(struct request *r, bool at_end)
{
	struct upload *u = r->up;
	const struct upload_ops *ops = r->route->upload;
	bool begin_due = at_end || u->files_started;
	if (!r->replied && !u->begun && begin_due) {
		u->begun = true;
		if (ops->begin(r) != 0 && !r->replied)
			reply_error(r, ERR_INTERNAL, NULL);
	}
	for (size_t i = 0; i < u->nev && !r->replied; i++) {
		struct event *e = &u->ev[i];
		int rc = e->kind == EV_BEGIN ? ops->file_begin(r, e->field, e->filename)
		       : e->kind == EV_DATA  ? ops->file_data(r, u->buf + e->off, e->len)
		                             : ops->file_end(r);
		if (rc != 0 && !r->replied) {
			log_error("upload: a handler failed without replying");
			reply_error(r, ERR_INTERNAL, NULL);
		}
	}
	for (size_t i = 0; i < u->nev; i++) {
		free(u->ev[i].field);
		free(u->ev[i].filename);
	}
	u->nev = 0;
	if (u->buf)
		sodium_memzero(u->buf, u->used);
	u->used = 0;
}

void upload_free(struct request *r)
{
	struct upload *u = r->up;
	if (!u)
		return;
	if (u->pp)
		MHD_destroy_post_processor(u->pp);
	for (size_t i = 0; i < u->nev; i++) {
		free(u->ev[i].field);
		free(u->ev[i].filename);
	}
	free(u->ev);
	if (u->buf)
		sodium_memzero(u->buf, u->cap);
	free(u->buf);
	if (u->value)
		sodium_memzero(u->value, u->value_len);
	free(u->value);
	free(u->part_name);
	free(u);
	r->up = NULL;
}
