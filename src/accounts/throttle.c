/* throttle.c: a fixed table of recent failures, keyed by a keyed hash of the username (the
 * key is random per process, so the table reveals nothing and cannot be aimed at). */
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "accounts/throttle.h"

#define SLOTS 1024
#define FREE_TRIES 5
#define WINDOW (15 * 60)
#define MAX_WAIT 60

static struct slot {
	unsigned char tag[16];
	int64_t first;   /* start of the window */
	int64_t until;   /* no attempt before this time */
	unsigned failures;
} slots[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char key[crypto_generichash_KEYBYTES];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	randombytes_buf(key, sizeof key);
}

static struct slot *find(const char *username, bool create, int64_t now)
{
	unsigned char tag[16];
	pthread_once(&once, init);
	crypto_generichash(tag, sizeof tag, (const unsigned char *)username, strlen(username), key,
	                   sizeof key);
	struct slot *s = &slots[(tag[0] | (unsigned)tag[1] << 8) % SLOTS];
	if (memcmp(s->tag, tag, sizeof tag) == 0)
		return s;
	if (!create)
		return NULL;
	/* Take the slot when it is free or stale; a busy slot of another name is shared, which
	 * only ever makes that name slower, never faster. */
	if (s->failures == 0 || now - s->first > WINDOW || now >= s->until + WINDOW) {
		memset(s, 0, sizeof *s);
		memcpy(s->tag, tag, sizeof tag);
		s->first = now;
	}
	return s;
}

unsigned throttle_wait(const char *username, int64_t now)
{
	pthread_mutex_lock(&mu);
	struct slot *s = find(username, false, now);
	unsigned wait = s && s->until > now ? (unsigned)(s->until - now) : 0;
	pthread_mutex_unlock(&mu);
	return wait;
}

void throttle_failed(const char *username, int64_t now)
{
	pthread_mutex_lock(&mu);
	struct slot *s = find(username, true, now);
	if (now - s->first > WINDOW) {
		s->first = now;
		s->failures = 0;
	}
	s->failures++;
	if (s->failures >= FREE_TRIES) {
		unsigned over = s->failures - FREE_TRIES;
		int64_t wait = over >= 5 ? MAX_WAIT : (int64_t)2 << over;
		s->until = now + (wait > MAX_WAIT ? MAX_WAIT : wait);
	}
	pthread_mutex_unlock(&mu);
}

void throttle_succeeded(const char *username)
{
	pthread_mutex_lock(&mu);
	struct slot *s = find(username, false, 0);
	if (s)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&mu);
}
