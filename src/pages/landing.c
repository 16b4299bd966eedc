/* landing.c: GET /, the public front page: what can be reported, how identity is protected,
 * and the two ways in. Its content depends only on the language and the configuration, so
 * it is rendered once per language and served from memory afterwards. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/refdata.h"
#include "pages/pages.h"

struct rendered {
	size_t len;
	char html[];
};

static _Atomic(struct rendered *) cache[2];

void page_landing(struct request *r)
{
	struct rendered *c = atomic_load_explicit(&cache[r->lang], memory_order_acquire);
	if (c) {
		reply_static(r, 200, "text/html; charset=utf-8", c->html, c->len, NULL);
		return;
	}
	reply_page(r, 200, "landing", json_pack("{s:o}", "categories",
	                                        refdata_categories(r->lang, true)));
	if (r->status != 200 || r->reply_static)
		return;
	/* Keep a copy; if another thread got there first, theirs stays. */
	c = malloc(sizeof *c + r->reply_len + 1);
	if (!c)
		return;
	c->len = r->reply_len;
	memcpy(c->html, r->reply, r->reply_len + 1);
	struct rendered *none = NULL;
	if (!atomic_compare_exchange_strong_explicit(&cache[r->lang], &none, c, memory_order_acq_rel,
	                                             memory_order_acquire))
		free(c);
}
