/* meta.c: GET /api/v1/meta, what a reporting client needs before it shows the form. */
#include "api/api.h"
#include "core/refdata.h"

static int add_recipient(void *arg, const struct store_user *u)
{
	return json_array_append_new(arg, json_pack("{s:s,s:s,s:s}", "id", u->id, "name", u->name,
	                                             "role", u->role));
}

void api_meta(struct request *r)
{
	const struct config *cfg = r->ctx->cfg;
	const struct store *st = r->ctx->store;
	json_t *readers = json_array();
	if (!readers || st->readers(st->cls, add_recipient, readers) != STORE_OK) {
		json_decref(readers);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *types = json_array();
	for (int i = 0; refdata_evidence_types[i]; i++)
		json_array_append_new(types, json_string(refdata_evidence_types[i]));
	bool accepting = json_array_size(readers) > 0;
	json_t *meta = json_pack(
		"{s:o, s:O, s:{s:I,s:I,s:I,s:o}, s:o, s:[ss], s:b}",
		"categories", refdata_categories(r->lang, false),
		"kecamatan", refdata_kecamatan(),
		"limits", "max_files", (json_int_t)cfg->max_files,
		"max_file_bytes", (json_int_t)cfg->max_file_bytes,
		"max_message_chars", (json_int_t)cfg->max_message_chars,
		"accepted_types", types,
		"recipients", readers,
		"languages", "id", "en",
		"accepting", accepting);
	reply_json(r, 200, meta);
}
