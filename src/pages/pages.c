/* pages.c: loading the embedded templates and rendering a page with the common context. */
#include <stdio.h>
#include <string.h>

#include "core/assets.h"
#include "core/log.h"
#include "accounts/settings.h"
#include "core/refdata.h"
#include "crypto/crypto.h"
#include "pages/pages.h"
#include "tmpl/tmpl.h"

/* A short hash of the static files, so their URLs change when they do (cached for a year). */
static char asset_version[17];

const char *pages_asset_version(void)
{
	return asset_version;
}

static void compute_asset_version(void)
{
	crypto_generichash_state h;
	unsigned char out[8];
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	for (size_t i = 0; i < assets_count; i++)
		if (strncmp(assets[i].name, "static/", 7) == 0) {
			crypto_generichash_update(&h, (const unsigned char *)assets[i].name,
			                          strlen(assets[i].name) + 1);
			crypto_generichash_update(&h, assets[i].data, assets[i].len);
		}
	crypto_generichash_final(&h, out, sizeof out);
	sodium_bin2hex(asset_version, sizeof asset_version, out, sizeof out);
}

struct tmpl_set *pages_load_templates(char *err, size_t errlen)
{
	static const char prefix[] = "templates/";
	struct tmpl_set *set = tmpl_set_new();
	if (!set) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < assets_count; i++) {
		const char *name = assets[i].name;
		size_t n = strlen(name);
		if (strncmp(name, prefix, sizeof prefix - 1) != 0 || n < 5 ||
		    strcmp(name + n - 5, ".html") != 0)
			continue;
		char short_name[128];
		snprintf(short_name, sizeof short_name, "%.*s", (int)(n - 5 - (sizeof prefix - 1)),
		         name + sizeof prefix - 1);
		if (tmpl_set_add(set, short_name, (const char *)assets[i].data, assets[i].len, err,
		                 errlen) != 0) {
			tmpl_set_free(set);
			return NULL;
		}
	}
	if (tmpl_set_check(set, err, errlen) != 0) {
		tmpl_set_free(set);
		return NULL;
	}
	compute_asset_version();
	return set;
}

/* The context every page gets (the shape is documented in docs/architecture.md). */
static json_t *base_context(struct request *r, const char *page)
{
	json_t *langs = json_pack("[{s:s,s:s,s:s,s:b},{s:s,s:s,s:s,s:b}]",
	                          "code", "id", "name", "Bahasa Indonesia", "href", "?lang=id",
	                          "current", r->lang == LANG_ID,
	                          "code", "en", "name", "English", "href", "?lang=en",
	                          "current", r->lang == LANG_EN);
	struct settings s;
	settings_get(&s);
	return json_pack("{s:s,s:O,s:s,s:o,s:s,s:s}", "lang", lang_code(r->lang), "t",
	                 refdata_strings(r->lang), "instance_name", s.instance_name,
	                 "langs", langs, "page", page, "asset_version", asset_version);
}

char *pages_render(struct request *r, const char *name, json_t *ctx, size_t *len)
{
	json_t *full = base_context(r, name);
	if (full && ctx)
		json_object_update(full, ctx);
	json_decref(ctx);
	char err[256];
	char *html = full ? tmpl_render(r->ctx->templates, name, full, len, err, sizeof err) : NULL;
	json_decref(full);
	if (!html)
		log_error("page %s: %s", name, full ? err : "out of memory");
	return html;
}

void reply_page(struct request *r, unsigned status, const char *name, json_t *ctx)
{
	size_t len;
	char *html = pages_render(r, name, ctx, &len);
	if (!html) {
		static const char fallback[] = "<!doctype html><title>500</title><p>Internal error.</p>";
		reply_static(r, 500, "text/html; charset=utf-8", fallback, sizeof fallback - 1, NULL);
		return;
	}
	reply_take(r, status, "text/html; charset=utf-8", html, len);
}
