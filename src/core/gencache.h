/* gencache.h: content computed once per slot (e.g. language) and settings generation, for
 * responses that would otherwise rebuild the same bytes on every request. Entries replaced
 * by a newer generation are kept (a reply in flight may point into one); settings change
 * rarely, so this stays small. */
#ifndef PELUIT_GENCACHE_H
#define PELUIT_GENCACHE_H

#include <pthread.h>
#include <stddef.h>

#define GENCACHE_SLOTS 2

struct gencache_entry {
	unsigned generation;
	size_t len;
	char data[]; /* NUL-terminated */
};

struct gencache {
	pthread_mutex_t mu;
	struct gencache_entry *current[GENCACHE_SLOTS];
	struct gencache_entry **retired;
	size_t nretired;
};

#define GENCACHE_INIT { PTHREAD_MUTEX_INITIALIZER, { NULL }, NULL, 0 }

/* The entry of `slot` for `generation`, built by build(arg, &len) (a malloc'd string, which
 * the cache copies and frees) when missing or stale. NULL when building fails. */
const struct gencache_entry *gencache_get(struct gencache *c, int slot, unsigned generation,
                                          char *(*build)(void *arg, size_t *len), void *arg);

#endif
