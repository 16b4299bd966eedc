/* errors.c: the table behind errors.h. */
#include "core/errors.h"

static const struct {
	const char *code;
	unsigned status;
	const char *msg[2];
} table[] = {
#define ERR(sym, code, status, id, en) { code, status, { id, en } },
#include "core/errors.def"
#undef ERR
};

const char *err_code(enum err e) { return table[e].code; }
unsigned err_status(enum err e) { return table[e].status; }
const char *err_message(enum err e, enum lang lang) { return table[e].msg[lang]; }
