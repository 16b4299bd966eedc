/* session.h: staff sessions (SECURITY.md "Sessions"): a random 256-bit bearer token, also
 * sent as the peluit_staff cookie; the database keeps only a subkey of it. */
#ifndef PELUIT_SESSION_H
#define PELUIT_SESSION_H

#include "http/http.h"

#define STAFF_IDLE_SECONDS (30 * 60)
#define STAFF_MAX_SECONDS (12 * 60 * 60)
#define SESSION_TOUCH_SECONDS 60
#define STAFF_COOKIE "peluit_staff"

/* Authenticates r from "Authorization: Bearer" or the cookie into r->user and its secret keys
 * into r->sk (freed with the request); a state-changing
 * request authenticated by cookie must carry X-CSRF-Token. Returns 0, or -1 after replying
 * 401 unauthenticated or 403 csrf. Blocking (database): worker threads only. */
int session_authenticate(struct request *r);

#define REPORTER_IDLE_SECONDS (20 * 60)
#define REPORTER_COOKIE "peluit_reporter"

/* Authenticates a reporter from "Authorization: Bearer" or the reporter cookie: r->report_id
 * and the report's keys (K_report, K_identity) into r->sk. Same CSRF rule as staff. Returns 0,
 * or -1 after replying 401 or 403. */
int session_reporter_authenticate(struct request *r);

/* Starts a reporter session for `report_id`, keeping `keys` (64 bytes: K_report, K_identity)
 * wrapped under a subkey of the token; sets the reporter cookie. 0, or -1 after replying. */
int session_reporter_begin(struct request *r, const char *report_id, const unsigned char *keys,
                           char token[TOKEN_CHARS + 1], char csrf[TOKEN_CHARS + 1]);
/* Ends r's reporter session and clears the cookie. 0, or -1 after replying. */
int session_reporter_end(struct request *r);

/* Starts a session for r->user, keeping its secret keys `sk` wrapped under a subkey of the
 * token: stores it and sets the cookie. Writes the token and its CSRF value (NUL-terminated)
 * for the reply. Returns 0, or -1 after replying 503. */
int session_begin(struct request *r, const unsigned char *sk, char token[TOKEN_CHARS + 1],
                  char csrf[TOKEN_CHARS + 1]);

/* Ends r's session and clears the cookie. Returns 0, or -1 after replying 500. */
int session_end(struct request *r);

#endif
