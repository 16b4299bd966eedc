/* reports.h: citizen reports, shared by the JSON API and the reporter pages: submission with
 * streamed evidence, receipt login, the reporter's view, messages and more evidence.
 * Encryption as SECURITY.md "Keys" says: nothing a reporter typed is stored in plaintext. */
#ifndef PELUIT_REPORTS_H
#define PELUIT_REPORTS_H

#include <jansson.h>

#include "http/http.h"

/* The upload_ops of a new submission (POST /api/v1/reports and the report form). begin
 * validates every field of r->json, checks that someone can read the report and prepares
 * the keys; evidence is sniffed, encrypted chunk by chunk and staged. */
extern const struct upload_ops reports_submit_upload;
/* The upload_ops for more evidence from a signed-in reporter. */
extern const struct upload_ops reports_add_files_upload;

/* The submission's result, after reports_submit_upload has run. */
struct submitted {
	char receipt[21];
	char receipt_display[24];
	char submitted_on[11];
	json_t *files; /* [{name, type, size, cleaned, removed}] (owned) */
};

/* Makes the report visible in one short transaction (after the receipt's Argon2id) and fills
 * *out. On failure replies and returns -1. */
int reports_submit_finish(struct request *r, struct submitted *out);

/* Attaches the files of reports_add_files_upload to the reporter's report. Returns the files
 * as JSON, or NULL after replying. */
json_t *reports_add_files_finish(struct request *r);

/* Receipt login: the report's id and keys (K_report, K_identity into keys, 64 bytes of
 * guarded memory). A wrong receipt costs the same Argon2id. OUTCOME 401 when wrong. */
struct outcome reports_receipt_login(struct request *r, const char *receipt,
                                     char report_id[ID_CHARS + 1], unsigned char *keys);

/* The reporter's view of their report (API.md GET /reporter/report), or NULL after replying. */
json_t *reports_reporter_view(struct request *r);

/* A reporter's message (1..5000 characters). Returns its id via *id, or an outcome. */
struct outcome reports_reporter_message(struct request *r, const char *body,
                                        char id[ID_CHARS + 1]);

/* Deletes staged files of uploads that never completed (older than `age` seconds). */
int reports_sweep(struct store *st, int64_t age, int64_t *n);

/* Creates the instance's receipt salt if missing (once, at serve start). */
int reports_init(struct store *st);

#endif
