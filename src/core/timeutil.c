/* timeutil.c: UTC and WIB formatting and parsing without the process's time zone. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"

void time_rfc3339(int64_t t, char out[21])
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_wib_date(int64_t t, char out[11])
{
	struct tm tm;
	time_t tt = (time_t)(t + WIB_OFFSET);
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int time_parse_wib_date(const char *s, int64_t *start)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 ||
	    y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != d || back.tm_mon != m - 1) /* 2026-02-30 and the like */
		return -1;
	*start = (int64_t)t - WIB_OFFSET;
	return 0;
}
