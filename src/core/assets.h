/* assets.h: files compiled into the binary (templates, static files, data, migrations). */
#ifndef PELUIT_ASSETS_H
#define PELUIT_ASSETS_H

#include <stddef.h>

struct asset {
	const char *name;          /* e.g. "templates/landing.html", "static/style.css" */
	const unsigned char *data; /* NUL-terminated, for text assets' convenience */
	size_t len;                /* without the terminating NUL */
};

extern const struct asset assets[];
extern const size_t assets_count;

/* The asset called `name`, or NULL. */
const struct asset *asset_find(const char *name);

/* The MIME type for an asset name, chosen by its ending (never by client input). */
const char *asset_mime(const char *name);

#endif
