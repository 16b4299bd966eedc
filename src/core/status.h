/* status.h: report statuses (API.md "Report statuses") and their labels. No I/O. */
#ifndef PELUIT_STATUS_H
#define PELUIT_STATUS_H

#include <stdbool.h>

#include "core/errors.h"

/* Whether `status` is one of the statuses of API.md. */
bool status_valid(const char *status);
/* The label a reporter or staff member reads, in `lang`. */
const char *status_label(const char *status, enum lang lang);

/* Whether a status is final (forwarded, closed_*, rejected). */
bool status_final(const char *status);
/* Whether `from` may become `to`; only a supervisor reopens a final status. */
bool status_transition_ok(const char *from, const char *to, bool supervisor);

#endif
