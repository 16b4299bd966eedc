/* refdata.h: facts built into Peluit: report categories, the kecamatan and kelurahan of the
 * region, accepted evidence types, and the page strings of each language. Loaded once from
 * the embedded web/data and web/i18n files; read-only afterwards, so shared by all threads. */
#ifndef PELUIT_REFDATA_H
#define PELUIT_REFDATA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/* Parses the embedded files. Returns 0, or -1 with err set (a broken build). */
int refdata_load(char *err, size_t errlen);
void refdata_free(void);

/* A new array [{code, label}] (with "desc" too when with_desc) in `lang`. */
json_t *refdata_categories(enum lang lang, bool with_desc);
bool refdata_category_valid(const char *code);

/* The kecamatan list [{code, name, kelurahan:[{code, name}]}] (borrowed; do not modify). */
const json_t *refdata_kecamatan(void);

/* Accepted evidence MIME types, NULL-terminated. */
extern const char *const refdata_evidence_types[];

/* The page strings of a language (borrowed; do not modify). */
const json_t *refdata_strings(enum lang lang);

/* "id" or "en". */
const char *lang_code(enum lang lang);

#endif
