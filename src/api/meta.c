/* meta.c: GET /api/v1/meta, what a reporting client needs before it shows the form.
 * Everything but the readers depends only on the language and the settings, so that part
 * is serialized once per language and settings generation (core/gencache.h); each request adds only
 * "recipients" and "accepting", from readers whose certificates verify. */
#include <stdlib.h>
#include <string.h>

#include "accounts/settings.h"
#include "accounts/trust.h"
#include "api/api.h"
#include "core/gencache.h"
#include "core/refdata.h"

static struct gencache fixed_part = GENCACHE_INIT;

struct fixed_args {
	const struct settings *s;
	enum lang lang;
};

/* The object without its closing brace. */
static char *build_fixed(void *arg, size_t *len)
{
	const struct fixed_args *a = arg;
	json_t *types = json_array();
	for (int i = 0; refdata_evidence_types[i]; i++)
		json_array_append_new(types, json_string(refdata_evidence_types[i]));
	json_t *meta = json_pack(
		"{s:o, s:O, s:{s:I,s:I,s:I,s:o}, s:[ss]}",
		"categories", refdata_categories(a->lang, false),
		"kecamatan", refdata_kecamatan(),
		"limits", "max_files", (json_int_t)a->s->max_files,
		"max_file_bytes", (json_int_t)a->s->max_file_bytes,
		"max_message_chars", (json_int_t)a->s->max_message_chars,
		"accepted_types", types,
		"languages", "id", "en");
	char *text = meta ? json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(meta);
	if (text) {
		*len = strlen(text) - 1;
		text[*len] = '\0';
	}
	return text;
}

struct readers {
	const struct trust *t;
	struct store *st;
	json_t *list;
	size_t n;
};

static int add_reader(void *arg, const struct store_user *u)
{
	struct readers *r = arg;
	if (!trust_is_reader(r->t, r->st, u))
		return 0; /* a row claiming to be confirmed is not enough */
	r->n++;
	return r->list ? json_array_append_new(r->list, json_pack("{s:s,s:s,s:s}", "id", u->id,
	                                                          "name", u->name, "role", u->role))
	               : 0;
}

void api_meta(struct request *r)
{
	struct store *st = r->ctx->store;
	struct settings s;
	settings_get(&s);
	const struct gencache_entry *f = gencache_get(&fixed_part, r->lang, s.generation, build_fixed,
	                                              &(struct fixed_args){ &s, r->lang });
	/* Recipients are listed only while reporters may exclude them. */
	struct readers rd = { r->ctx->trust, st, json_array(), 0 };
	if (!f || !rd.list || st->readers(st->cls, add_reader, &rd) != STORE_OK) {
		json_decref(rd.list);
		reply_error(r, f ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
		return;
	}
	char *list = s.exclusion_enabled ? json_dumps(rd.list, JSON_COMPACT) : strdup("[]");
	json_decref(rd.list);
	char *body = NULL;
	int n = list ? asprintf(&body, "%s,\"recipients\":%s,\"accepting\":%s}", f->data, list,
	                        rd.n > 0 ? "true" : "false") : -1;
	free(list);
	if (n < 0) {
		reply_error(r, ERR_INTERNAL, NULL);
		return;
	}
	reply_take(r, 200, "application/json; charset=utf-8", body, (size_t)n);
}
