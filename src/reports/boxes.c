/* boxes.c: text and JSON in and out of a report's bound ciphertexts (crypto/report.h). */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "reports/internal.h"

char *box_open_text(const unsigned char *box, size_t n, const unsigned char *key,
                    const char *report_id, const char *row, const char *author,
                    enum box_purpose p)
{
	if (!box || n < BOX_OVERHEAD)
		return NULL;
	char *out = malloc(n - BOX_OVERHEAD + 1);
	if (!out)
		return NULL;
	if (box_open((unsigned char *)out, box, n, key, report_id, row, author, p) != 0) {
		free(out);
		log_error("reports: a ciphertext of a report does not open with its key");
		return NULL;
	}
	out[n - BOX_OVERHEAD] = '\0';
	return out;
}

void text_free(char *s)
{
	if (s)
		sodium_memzero(s, strlen(s));
	free(s);
}

json_t *box_open_json(const unsigned char *box, size_t n, const unsigned char *key,
                      const char *report_id, const char *row, const char *author,
                      enum box_purpose p)
{
	char *text = box_open_text(box, n, key, report_id, row, author, p);
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	text_free(text);
	return v;
}

unsigned char *box_seal_text(const char *text, const unsigned char *key, const char *report_id,
                             const char *row, const char *author, enum box_purpose p,
                             size_t *len)
{
	size_t n = strlen(text);
	unsigned char *box = malloc(n + BOX_OVERHEAD);
	if (box)
		box_seal(box, (const unsigned char *)text, n, key, report_id, row, author, p);
	*len = box ? n + BOX_OVERHEAD : 0;
	return box;
}

unsigned char *box_seal_json(json_t *v, const unsigned char *key, const char *report_id,
                             const char *row, const char *author, enum box_purpose p,
                             size_t *len)
{
	char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	*len = 0;
	if (!text)
		return NULL;
	unsigned char *box = box_seal_text(text, key, report_id, row, author, p, len);
	text_free(text);
	return box;
}
