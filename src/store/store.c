/* store.c: choosing a backend by URL, and the one transaction-retry helper. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/store.h"

struct store *store_open(const char *url, const char *data_dir, bool create,
                         char *err, size_t errlen)
{
	char path[4200];
	if (url == NULL || url[0] == '\0') {
		if (snprintf(path, sizeof path, "%s/peluit.db", data_dir) >= (int)sizeof path) {
			snprintf(err, errlen, "data directory path too long");
			return NULL;
		}
		return store_sqlite_open(path, create, err, errlen);
	}
	if (strncmp(url, "sqlite:", 7) == 0 && url[7] != '\0')
		return store_sqlite_open(url + 7, create, err, errlen);
	snprintf(err, errlen, "unsupported database URL (use sqlite:PATH, or leave it empty)");
	return NULL;
}

int store_tx_staging(struct store *s, int (*fn)(struct store *s, void *arg), void *arg)
{
	s->durable(s->cls, false);
	int rc = store_tx(s, fn, arg);
	s->durable(s->cls, true);
	return rc;
}

int store_tx(struct store *s, int (*fn)(struct store *s, void *arg), void *arg)
{
	enum { ATTEMPTS = 12 };
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		int rc = s->begin(s->cls);
		if (rc == STORE_OK) {
			rc = fn(s, arg);
			if (rc == STORE_OK)
				rc = s->commit(s->cls);
			if (rc != STORE_OK)
				s->rollback(s->cls);
		}
		if (rc != STORE_RETRY)
			return rc;
		/* Back off 1, 2, 4 … ms (capped at 256), jittered so that contenders spread out. */
		long ms = 1L << (attempt < 8 ? attempt : 8);
		struct timespec ts = { 0, (ms + (long)randombytes_uniform((uint32_t)ms + 1)) * 1000000L };
		nanosleep(&ts, NULL);
	}
	log_error("store: transaction still busy after %d attempts", ATTEMPTS);
	return STORE_RETRY;
}
