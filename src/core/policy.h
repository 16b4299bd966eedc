/* policy.h: who may do what, and the rules for account names and passwords. No I/O. */
#ifndef PELUIT_POLICY_H
#define PELUIT_POLICY_H

#include <stdbool.h>

#include "core/errors.h"

/* 3 to 64 characters of a-z, 0-9, '.', '-', '_'. */
bool policy_username_valid(const char *username);
/* admin, investigator, supervisor or leader. */
bool policy_role_valid(const char *role);
/* 1 to 200 code points of UTF-8 without control characters. */
bool policy_name_valid(const char *name);
/* NULL when the password is acceptable, else why not, in `lang`: at least 12 characters,
 * not the username, not in the project's list of common passwords. */
const char *policy_password_problem(const char *password, const char *username, enum lang lang);

#endif
