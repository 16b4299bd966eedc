/* landing.c: GET /, the public front page: what can be reported, how identity is protected,
 * and the two ways in. Its content depends only on the language and the settings, so it is
 * rendered once per language and settings generation and served from memory. */
#include "accounts/settings.h"
#include "core/gencache.h"
#include "core/refdata.h"
#include "pages/pages.h"

static struct gencache cache = GENCACHE_INIT;

static char *build(void *arg, size_t *len)
{
	struct request *r = arg;
	return pages_render(r, "landing", json_pack("{s:o}", "categories",
	                                            refdata_categories(r->lang, true)), len);
}

void page_landing(struct request *r)
{
	const struct gencache_entry *e = gencache_get(&cache, r->lang, settings_generation(), build, r);
	if (!e) {
		reply_error(r, ERR_INTERNAL, NULL);
		return;
	}
	reply_static(r, 200, "text/html; charset=utf-8", e->data, e->len, NULL);
}
