/* backend.h: what the store backends share (not for callers of store.h). */
#ifndef PELUIT_STORE_BACKEND_H
#define PELUIT_STORE_BACKEND_H

#include "core/assets.h"

/* The numbered migrations embedded from src/store/DIR/NNN_*.sql: the highest number present
 * (0 when none), and the one numbered `version` (NULL when missing). */
int store_migration_latest(const char *dir);
const struct asset *store_migration(const char *dir, int version);

#endif
