/* ratelimit.c: fixed hourly windows; a new window gets a new random key and an empty table. */
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "http/ratelimit.h"

#define SLOTS 4096

static struct {
	unsigned char tag[8];
	unsigned count;
} table[SLOTS];
static unsigned char key[crypto_shorthash_KEYBYTES];
static int64_t window = -1;
static unsigned global;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

unsigned ratelimit_take(const struct sockaddr *addr, int64_t now)
{
	const unsigned char *bytes = (const unsigned char *)"";
	size_t n = 0;
	if (addr && addr->sa_family == AF_INET) {
		bytes = (const unsigned char *)&((const struct sockaddr_in *)addr)->sin_addr;
		n = 4;
	} else if (addr && addr->sa_family == AF_INET6) {
		bytes = (const unsigned char *)&((const struct sockaddr_in6 *)addr)->sin6_addr;
		n = 8; /* a /64: one subscriber's prefix */
	}
	pthread_mutex_lock(&mu);
	if (now / 3600 != window) {
		window = now / 3600;
		randombytes_buf(key, sizeof key);
		memset(table, 0, sizeof table);
		global = 0;
	}
	unsigned wait = (unsigned)(3600 - now % 3600);
	unsigned char tag[8];
	crypto_shorthash(tag, bytes, n, key);
	unsigned slot = ((unsigned)tag[0] | (unsigned)tag[1] << 8) % SLOTS;
	/* A slot shared by two addresses only makes both stricter, never looser. */
	if (memcmp(table[slot].tag, tag, sizeof tag) != 0 && table[slot].count == 0)
		memcpy(table[slot].tag, tag, sizeof tag);
	unsigned result = 0;
	if (global >= RATE_GLOBAL || table[slot].count >= RATE_PER_ADDRESS) {
		result = wait;
	} else {
		global++;
		table[slot].count++;
	}
	pthread_mutex_unlock(&mu);
	return result;
}
