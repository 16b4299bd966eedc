/* reporter.c: the reporter's API, authenticated by the receipt:
 * POST /api/v1/reporter/login, GET …/report, POST …/messages, POST …/files, POST …/logout. */
#include "api/api.h"
#include "http/session.h"
#include "reports/reports.h"

/* Not required and loosely bounded: a missing or malformed receipt gets the same 401, after
 * the same Argon2id work, as a wrong one. */
const struct jfield api_reporter_login_fields[] = {
	{ "receipt", J_STRING, false, 0, 1000 },
	{ NULL },
};

void api_reporter_login(struct request *r)
{
	char report_id[ID_CHARS + 1], token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1];
	unsigned char *keys = sodium_malloc(2 * RKEY_BYTES);
	if (!keys) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	struct outcome o = reports_receipt_login(r, r->present[0] ? r->in[0].s : "", report_id, keys);
	if (o.failed)
		reply_outcome(r, &o);
	else if (session_reporter_begin(r, report_id, keys, token, csrf) == 0)
		reply_json(r, 200, json_pack("{s:s,s:s}", "token", token, "csrf", csrf));
	sodium_free(keys);
}

void api_reporter_report(struct request *r)
{
	json_t *view = reports_reporter_view(r);
	if (view)
		reply_json(r, 200, view);
}

const struct jfield api_reporter_message_fields[] = {
	{ "body", J_STRING, true, 1, 5000 },
	{ NULL },
};

void api_reporter_message(struct request *r)
{
	char id[ID_CHARS + 1];
	struct outcome o = reports_reporter_message(r, r->in[0].s, id);
	if (o.failed)
		reply_outcome(r, &o);
	else
		reply_json(r, 201, json_pack("{s:s}", "id", id));
}

void api_reporter_files(struct request *r)
{
	json_t *files = reports_add_files_finish(r);
	if (files)
		reply_json(r, 201, json_pack("{s:o}", "files", files));
}

void api_reporter_logout(struct request *r)
{
	if (session_reporter_end(r) == 0)
		reply_empty(r, 204);
}
