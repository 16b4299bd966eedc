/* errors.h: API error codes, their HTTP statuses and messages, from errors.def. */
#ifndef PELUIT_ERRORS_H
#define PELUIT_ERRORS_H

enum err {
#define ERR(sym, code, status, id, en) ERR_##sym,
#include "core/errors.def"
#undef ERR
	ERR_COUNT
};

enum lang { LANG_ID = 0, LANG_EN = 1 };

const char *err_code(enum err e);
unsigned err_status(enum err e);
const char *err_message(enum err e, enum lang lang);

#endif
