/* throttle.h: failed staff logins slow down per username (SECURITY.md threat 9) without
 * locking anyone out for long: after 5 failures within 15 minutes, each further attempt must
 * wait 2 s, then 4, 8 … at most 60 s. In memory only, per process. */
#ifndef PELUIT_THROTTLE_H
#define PELUIT_THROTTLE_H

#include <stdint.h>

/* 0 when `username` may try now, else the seconds to wait. */
unsigned throttle_wait(const char *username, int64_t now);
void throttle_failed(const char *username, int64_t now);
void throttle_succeeded(const char *username);

#endif
