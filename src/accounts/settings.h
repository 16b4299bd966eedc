/* settings.h: instance settings changed at run time (API.md "settings"): each field has an
 * owner role; only that role may change it. A snapshot lives in memory, refreshed from the
 * database once a minute (other servers' changes) and at once after a local change. */
#ifndef PELUIT_SETTINGS_H
#define PELUIT_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/errors.h"
#include "store/store.h"

struct settings {
	char instance_name[801];
	unsigned max_files;
	uint64_t max_file_bytes;
	unsigned max_message_chars;
	bool require_totp_admin;
	unsigned ack_days;
	unsigned resolve_days;
	bool exclusion_enabled;
	bool require_totp_staff;
	unsigned generation; /* changes whenever the values change */
};

/* Sets the defaults (from the configuration). Call once before anything reads settings. */
void settings_init(const struct config *cfg);
/* Reloads the stored values over the defaults. Returns a store_rc. */
int settings_refresh(struct store *st);
/* A copy of the current snapshot. */
void settings_get(struct settings *out);
/* The generation of the current snapshot (cheap; for caches of rendered content). */
unsigned settings_generation(void);
/* The settings as the API shows them. */
json_t *settings_json(const struct settings *s);
/* Whether a user of `role` must have a second factor. */
bool settings_totp_required(const struct settings *s, const char *role);

/* Applies a PATCH body for a user of `role`, writing each changed field and its audit entry
 * in one transaction, then refreshes the snapshot. */
struct outcome settings_patch(struct store *st, const json_t *body, const struct store_user *actor,
                              enum lang lang);

#endif
