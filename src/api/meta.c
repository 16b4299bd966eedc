/* meta.c: GET /api/v1/meta, what a reporting client needs before it shows the form.
 * Everything but the readers is fixed for the life of the process, so that part is
 * serialized once per language; each request adds only "recipients" and "accepting". */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/refdata.h"

struct fixed {
	size_t len;
	char json[]; /* the object without its closing brace */
};

static _Atomic(struct fixed *) fixed_part[2];

static struct fixed *build_fixed(const struct config *cfg, enum lang lang)
{
	json_t *types = json_array();
	for (int i = 0; refdata_evidence_types[i]; i++)
		json_array_append_new(types, json_string(refdata_evidence_types[i]));
	json_t *meta = json_pack(
		"{s:o, s:O, s:{s:I,s:I,s:I,s:o}, s:[ss]}",
		"categories", refdata_categories(lang, false),
		"kecamatan", refdata_kecamatan(),
		"limits", "max_files", (json_int_t)cfg->max_files,
		"max_file_bytes", (json_int_t)cfg->max_file_bytes,
		"max_message_chars", (json_int_t)cfg->max_message_chars,
		"accepted_types", types,
		"languages", "id", "en");
	char *s = meta ? json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(meta);
	if (!s)
		return NULL;
	size_t n = strlen(s) - 1; /* drop the closing brace */
	struct fixed *f = malloc(sizeof *f + n + 1);
	if (f) {
		f->len = n;
		memcpy(f->json, s, n);
		f->json[n] = '\0';
	}
	free(s);
	return f;
}

static const struct fixed *get_fixed(const struct config *cfg, enum lang lang)
{
	struct fixed *f = atomic_load_explicit(&fixed_part[lang], memory_order_acquire);
	if (f)
		return f;
	f = build_fixed(cfg, lang);
	struct fixed *none = NULL;
	if (f && !atomic_compare_exchange_strong_explicit(&fixed_part[lang], &none, f,
	                                                  memory_order_acq_rel, memory_order_acquire)) {
		free(f);
		f = none;
	}
	return f;
}

static int add_recipient(void *arg, const struct store_user *u)
{
	return json_array_append_new(arg, json_pack("{s:s,s:s,s:s}", "id", u->id, "name", u->name,
	                                             "role", u->role));
}

void api_meta(struct request *r)
{
	const struct store *st = r->ctx->store;
	const struct fixed *f = get_fixed(r->ctx->cfg, r->lang);
	json_t *readers = json_array();
	if (!f || !readers || st->readers(st->cls, add_recipient, readers) != STORE_OK) {
		json_decref(readers);
		reply_error(r, f ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
		return;
	}
	char *list = json_dumps(readers, JSON_COMPACT);
	bool accepting = json_array_size(readers) > 0;
	json_decref(readers);
	char *body = NULL;
	int n = list ? asprintf(&body, "%s,\"recipients\":%s,\"accepting\":%s}", f->json, list,
	                        accepting ? "true" : "false") : -1;
	free(list);
	if (n < 0) {
		reply_error(r, ERR_INTERNAL, NULL);
		return;
	}
	reply_take(r, 200, "application/json; charset=utf-8", body, (size_t)n);
}
