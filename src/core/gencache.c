/* gencache.c: see gencache.h. Building happens under the lock: it is rare and short. */
#include <stdlib.h>
#include <string.h>

#include "core/gencache.h"

const struct gencache_entry *gencache_get(struct gencache *c, int slot, unsigned generation,
                                          char *(*build)(void *arg, size_t *len), void *arg)
{
	pthread_mutex_lock(&c->mu);
	struct gencache_entry *e = c->current[slot];
	if (!e || e->generation != generation) {
		size_t len = 0;
		char *data = build(arg, &len);
		struct gencache_entry *fresh = data ? malloc(sizeof *fresh + len + 1) : NULL;
		struct gencache_entry **r = e ? realloc(c->retired, (c->nretired + 1) * sizeof *r)
		                              : c->retired;
		if (fresh && (!e || r)) {
			fresh->generation = generation;
			fresh->len = len;
			memcpy(fresh->data, data, len);
			fresh->data[len] = '\0';
			if (e) {
				c->retired = r;
				c->retired[c->nretired++] = e;
			}
			c->current[slot] = e = fresh;
		} else {
			free(fresh);
			e = NULL;
		}
		free(data);
	}
	pthread_mutex_unlock(&c->mu);
	return e;
}
