/* errors.h: API error codes, their HTTP statuses and messages, from errors.def. */
#ifndef PELUIT_ERRORS_H
#define PELUIT_ERRORS_H

#include <stdbool.h>

enum err {
#define ERR(sym, code, status, id, en) ERR_##sym,
#include "core/errors.def"
#undef ERR
	ERR_COUNT
};

enum lang { LANG_ID = 0, LANG_EN = 1 };

/* What an operation shared by the API and the pages reports: ok, or an error with the field
 * at fault and, when the registry's message is not specific enough, a message (static). */
struct outcome {
	bool failed;
	enum err err;
	const char *field;
	const char *message;
};

#define OUTCOME_OK ((struct outcome){ false, ERR_COUNT, NULL, NULL })
#define OUTCOME(e, f, m) ((struct outcome){ true, (e), (f), (m) })

const char *err_code(enum err e);
unsigned err_status(enum err e);
const char *err_message(enum err e, enum lang lang);

#endif
