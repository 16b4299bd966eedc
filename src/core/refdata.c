/* refdata.c: the built-in reference data behind refdata.h. */
#include <stdio.h>
#include <string.h>

#include "core/assets.h"
#include "core/refdata.h"

static json_t *categories, *wilayah, *strings[2];

const char *const refdata_evidence_types[] = {
	"image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif",
	"video/mp4", "video/quicktime", "video/3gpp", "audio/mp4", "audio/mpeg", "audio/ogg",
	"audio/wav", "application/pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
	"text/plain", NULL,
};

static json_t *load(const char *name, char *err, size_t errlen)
{
	const struct asset *a = asset_find(name);
	json_error_t jerr;
	json_t *v = a ? json_loadb((const char *)a->data, a->len, 0, &jerr) : NULL;
	if (!v)
		snprintf(err, errlen, "built-in %s: %s", name, a ? jerr.text : "missing");
	return v;
}

int refdata_load(char *err, size_t errlen)
{
	categories = load("data/categories.json", err, errlen);
	wilayah = categories ? load("data/wilayah.json", err, errlen) : NULL;
	strings[LANG_ID] = wilayah ? load("i18n/id.json", err, errlen) : NULL;
	strings[LANG_EN] = strings[LANG_ID] ? load("i18n/en.json", err, errlen) : NULL;
	if (!strings[LANG_EN] || !json_is_array(json_object_get(wilayah, "kecamatan"))) {
		refdata_free();
		return -1;
	}
	return 0;
}

void refdata_free(void)
{
	json_decref(categories);
	json_decref(wilayah);
	json_decref(strings[0]);
	json_decref(strings[1]);
	categories = wilayah = strings[0] = strings[1] = NULL;
}

const char *lang_code(enum lang lang)
{
	return lang == LANG_EN ? "en" : "id";
}

json_t *refdata_categories(enum lang lang, bool with_desc)
{
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(categories, i, c) {
		json_t *item = json_pack("{s:O,s:O}", "code", json_object_get(c, "code"), "label",
		                         json_object_get(json_object_get(c, "label"), lang_code(lang)));
		if (item && with_desc)
			json_object_set(item, "desc",
			                json_object_get(json_object_get(c, "desc"), lang_code(lang)));
		json_array_append_new(out, item);
	}
	return out;
}

bool refdata_category_valid(const char *code)
{
	size_t i;
	json_t *c;
	json_array_foreach(categories, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "code")), code))
			return true;
	return false;
}

const json_t *refdata_kecamatan(void)
{
	return json_object_get(wilayah, "kecamatan");
}

const json_t *refdata_strings(enum lang lang)
{
	return strings[lang];
}
