/* ratelimit.h: the abuse limits of submissions and receipt logins (API.md, SECURITY.md threat
 * 7): per client address and in all, per hour. Many Indonesian phones share one carrier
 * address, so the per-address budget is generous and the global one protects the server.
 * In memory only; addresses are kept only as a keyed hash whose key changes every hour. */
#ifndef PELUIT_RATELIMIT_H
#define PELUIT_RATELIMIT_H

#include <stdint.h>
#include <sys/socket.h>

#define RATE_PER_ADDRESS 60
#define RATE_GLOBAL 3000

/* Counts one request from `addr`. Returns 0 when allowed, else the seconds to wait. */
unsigned ratelimit_take(const struct sockaddr *addr, int64_t now);

#endif
