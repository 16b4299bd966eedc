/* timeutil.h: times are stored as UTC unix seconds, shown as RFC 3339 UTC, and dates are
 * days in Indonesian Western Time (WIB, UTC+7). */
#ifndef PELUIT_TIMEUTIL_H
#define PELUIT_TIMEUTIL_H

#include <stdint.h>

#define WIB_OFFSET (7 * 3600)

/* "2026-12-04T13:05:00Z" into out[21]. */
void time_rfc3339(int64_t t, char out[21]);
/* The WIB date of t, "2026-12-04", into out[11]. */
void time_wib_date(int64_t t, char out[11]);
/* Parses a WIB date "YYYY-MM-DD" into the UTC second at which that day starts.
 * Returns 0, or -1 when it is not a valid date. */
int time_parse_wib_date(const char *s, int64_t *start);

#endif
