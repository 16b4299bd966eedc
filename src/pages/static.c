/* static.c: GET /static/{file}, the embedded files of web/static (never the file system). */
#include <stdio.h>
#include <string.h>

#include "core/assets.h"
#include "pages/pages.h"

void page_static(struct request *r)
{
	char name[160];
	const struct asset *a = NULL;
	if (snprintf(name, sizeof name, "static/%s", r->params[0]) < (int)sizeof name)
		a = asset_find(name);
	if (!a) {
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	/* A URL carrying the current version never changes content: cache it for a year. */
	const char *v = req_query(r, "v");
	bool current = v && !strcmp(v, pages_asset_version());
	reply_static(r, 200, asset_mime(name), a->data, a->len,
	             current ? "public, max-age=31536000, immutable" : "public, max-age=300");
}
