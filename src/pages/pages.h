/* pages.h: server-rendered HTML pages, built on the same core and store calls as api/. */
#ifndef PELUIT_PAGES_H
#define PELUIT_PAGES_H

#include "http/http.h"

/* Compiles every template under web/templates into a set. NULL with err set. */
struct tmpl_set *pages_load_templates(char *err, size_t errlen);

/* The hash of the static files that pages put in their URLs (?v=…). */
const char *pages_asset_version(void);

/* Renders template `name` with the common page context plus `ctx` (taken over). Returns the
 * malloc'd HTML (its length in *len), or NULL (logged). */
char *pages_render(struct request *r, const char *name, json_t *ctx, size_t *len);

/* landing.c */
void page_landing(struct request *r);
/* static.c */
void page_static(struct request *r);

#endif
