/* cases.h: the Inspectorate's side of a report (API.md "Staff": reports and identity
 * requests), shared by the JSON API and the staff pages. A staff member opens a report's keys
 * with their own secret key, which only their session holds; the database alone opens
 * nothing. A caller who may not read a report gets 404, whatever the reason. */
#ifndef PELUIT_CASES_H
#define PELUIT_CASES_H

#include <jansson.h>

#include "http/http.h"

/* A report opened by the caller: its row and its keys. */
struct case_ctx {
	struct store_report rep;
	unsigned char *k;     /* guarded: K_report, K_notes, K_identity (32 bytes each) */
	bool has_identity_key;
	bool reader;          /* holds a key of its own (not only through the organisation key) */
};

#define CASE_K_REPORT(c) ((c)->k)
#define CASE_K_NOTES(c) ((c)->k + RKEY_BYTES)
#define CASE_K_IDENTITY(c) ((c)->k + 2 * RKEY_BYTES)

enum case_open_flags {
	CASE_READER = 0,      /* the caller's own key only */
	CASE_ORG = 1,         /* a supervisor without a key of their own may use the organisation
	                       * key (grants, identity decisions) */
};

/* Opens report `id` (or a case number, with CASE_ORG) for r->user. OUTCOME 404 when the caller
 * cannot read it. Close with case_close. */
struct outcome case_open(struct request *r, const char *id, unsigned flags, struct case_ctx *c);
void case_close(struct case_ctx *c);

/* GET /api/v1/staff/reports from the query (filters, sort, pagination), or NULL after
 * replying 400. */
json_t *case_inbox(struct request *r);
/* {status: n, …, "overdue": n} over the caller's whole inbox (the inbox page's counts). */
json_t *case_inbox_counts(struct request *r);

/* The case as API.md describes it, or NULL after replying. `opened`: the caller opens the case
 * (GET): the opening (and a disclosed identity) is recorded in the audit trail and the
 * reporter's messages are marked as seen by the caller; false for the case returned after a
 * change. */
json_t *case_view(struct request *r, struct case_ctx *c, bool opened);

/* A status change (status and reason set) and/or, for a supervisor, an assignment
 * (set_assignee; assignee NULL to unassign). */
struct case_patch {
	const char *status, *reason, *internal_note;
	bool set_assignee;
	const char *assignee;
};
struct outcome case_update(struct request *r, struct case_ctx *c, const struct case_patch *p);

/* A message to the reporter (1..5000 characters) and an internal note. */
struct outcome case_message(struct request *r, struct case_ctx *c, const char *body,
                            char id[ID_CHARS + 1]);
struct outcome case_note(struct request *r, struct case_ctx *c, const char *body,
                         char id[ID_CHARS + 1]);

/* Grants (seals K_report and K_notes to `user_id` at once) and revokes a grant (404 when the
 * user has none: access by routing at submission is not revoked here). One 409
 * grant_refused for every refusal, so exclusions are not revealed. */
struct outcome case_grant(struct request *r, struct case_ctx *c, const char *user_id);
struct outcome case_revoke(struct request *r, struct case_ctx *c, const char *user_id);

/* Identity requests: made by a reader (investigator or supervisor), listed and decided by a
 * supervisor who is not the requester (where another one could decide). */
struct outcome case_identity_request(struct request *r, struct case_ctx *c, const char *reason,
                                     char id[ID_CHARS + 1]);
/* The requests this supervisor can see (?state= filters), or NULL after replying. */
json_t *case_identity_requests(struct request *r);
/* How many requests wait for a decision among those this supervisor can see (all pages;
 * 0 when the store fails). */
int64_t case_identity_pending(struct request *r);
/* Decides request `rid`; *item: the request as listed. */
struct outcome case_identity_decide(struct request *r, const char *rid, bool approve,
                                    const char *reason, json_t **item);

/* Replies with the decrypted bytes of file `fid` of the case, streamed chunk by chunk on the
 * worker pool, as an attachment with a sandboxing CSP. */
void case_file_reply(struct request *r, struct case_ctx *c, const char *fid);

#endif
