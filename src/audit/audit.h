/* audit.h: the tamper-evident audit trail (SECURITY.md threat 10): a hash chain of entries,
 * each written in the same transaction as the act it records, whose head is signed by the
 * server's Ed25519 key and co-signed by supervisors.
 *
 * An entry never holds reporter data, receipts, report text or addresses: only who (a staff
 * account), what (an action code), on what (a case number, a username, a setting name) and a
 * short non-sensitive detail (e.g. "verifying"). */
#ifndef PELUIT_AUDIT_H
#define PELUIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "store/store.h"

#define AUDIT_HASHBYTES 32

/* The actions; the string is what is stored and shown. */
#define AUDIT_ACTIONS(X)                                  \
	X(STAFF_LOGIN, "staff.login")                         \
	X(STAFF_LOGIN_FAILED, "staff.login_failed")           \
	X(STAFF_LOGOUT, "staff.logout")                       \
	X(USER_CREATED, "user.created")                       \
	X(USER_ACTIVATED, "user.activated")                   \
	X(USER_DISABLED, "user.disabled")                     \
	X(USER_ENABLED, "user.enabled")                       \
	X(USER_RESET, "user.reset")                           \
	X(USER_CONFIRMED, "user.confirmed")                   \
	X(USER_REFUSED, "user.refused")                       \
	X(PASSWORD_CHANGED, "user.password_changed")          \
	X(ACCOUNT_RECOVERED, "user.recovered")                \
	X(TOTP_ENABLED, "user.totp_enabled")                  \
	X(TOTP_DISABLED, "user.totp_disabled")                \
	X(ORG_KEY_ROTATED, "org_key.rotated")                 \
	X(SETTINGS_CHANGED, "settings.changed")               \
	X(REPORT_RECEIVED, "report.received")                 \
	X(REPORT_OPENED, "report.opened")                     \
	X(EVIDENCE_DOWNLOADED, "evidence.downloaded")         \
	X(STATUS_CHANGED, "report.status_changed")            \
	X(REPORT_ASSIGNED, "report.assigned")                 \
	X(MESSAGE_SENT, "report.message_sent")                \
	X(REPORTER_REPLIED, "report.reporter_replied")        \
	X(EVIDENCE_ADDED, "report.evidence_added")            \
	X(NOTE_ADDED, "report.note_added")                    \
	X(ACCESS_GRANTED, "report.access_granted")            \
	X(ACCESS_REVOKED, "report.access_revoked")            \
	X(IDENTITY_REQUESTED, "identity.requested")           \
	X(IDENTITY_DECIDED, "identity.decided")               \
	X(IDENTITY_VIEWED, "identity.viewed")                 \
	X(EXPORT, "export")                                   \
	X(BACKUP, "backup")

enum audit_action {
#define X(sym, str) AUDIT_##sym,
	AUDIT_ACTIONS(X)
#undef X
	AUDIT_ACTION_COUNT
};

const char *audit_action_name(enum audit_action a);
/* Whether `name` is a known action string. */
bool audit_action_valid(const char *name);

/* What a caller records; strings may be NULL (stored as empty). */
struct audit_event {
	enum audit_action action;
	const char *actor_id;   /* staff account id; NULL for the system or a reporter */
	const char *actor;      /* its username at the time */
	const char *subject;    /* case number, username, setting name … */
	const char *detail;     /* short and non-sensitive */
};

/* Appends an entry at the head of the chain, timestamped now. Call inside store_tx, in the
 * transaction of the act it records. Returns a store_rc. */
int audit_append(struct store *st, const struct audit_event *ev);

/* Queues a reporter-originated entry (no actor, no time) for the next hourly batch, so the
 * chain's order cannot date a submission. Call inside store_tx. Returns a store_rc. */
int audit_append_reporter(struct store *st, enum audit_action action, const char *subject);

/* Appends the queued reporter entries, in random order and without times. Returns a
 * store_rc; *n is how many were appended. */
int audit_flush_reporter(struct store *st, int *n);

/* Computes e->hash over the canonical encoding of e's fields and e->prev (independent of
 * the database engine). */
void audit_hash(struct store_audit *e);

/* The bytes a head signature covers. */
#define AUDIT_SIGNED_BYTES (16 + 8 + AUDIT_HASHBYTES)
void audit_signed_message(unsigned char out[AUDIT_SIGNED_BYTES], int64_t seq,
                          const unsigned char hash[AUDIT_HASHBYTES]);

/* Signs the head with the server key when it moved since the last server signature.
 * Returns a store_rc. */
int audit_sign_server(struct store *st, const unsigned char sk[crypto_sign_SECRETKEYBYTES]);

/* Signs the head with a supervisor's own signing key (at each supervisor sign-in).
 * Returns a store_rc. */
int audit_sign_supervisor(struct store *st, const char *user_id,
                          const unsigned char sk[crypto_sign_SECRETKEYBYTES]);

/* Looks up a supervisor's trusted signing public key (its certificate verified).
 * Returns 0; AUDIT_SIGNER_UNKNOWN when the signer cannot vouch (not a certified supervisor,
 * or its key changed since): its signatures are skipped, as if deleted, which lowers
 * supervisor_signed_through; -1 when the signer must be treated as a forgery. */
#define AUDIT_SIGNER_UNKNOWN 1
typedef int (*audit_signer_pk_fn)(void *arg, const char *user_id,
                                  unsigned char pk[crypto_sign_PUBLICKEYBYTES]);

struct audit_verdict {
	bool ok;
	int64_t entries;
	unsigned char head[AUDIT_HASHBYTES];
	int64_t first_bad;                 /* 0: none */
	const char *why;                   /* what is wrong at first_bad */
	int64_t supervisor_signed_through; /* 0: none */
	int64_t server_signed_through;     /* 0: none */
};

/* Checks every link, every hash and every signature. Returns a store_rc (STORE_OK when the
 * check ran, whatever its verdict). */
int audit_verify(struct store *st, const unsigned char server_pk[crypto_sign_PUBLICKEYBYTES],
                 audit_signer_pk_fn signer_pk, void *arg, struct audit_verdict *v);

/* The verdict as the JSON object of API.md ({ok, entries, head, first_bad,
 * supervisor_signed_through}, plus server_signed_through and problem). */
struct json_t;
struct json_t *audit_verdict_json(const struct audit_verdict *v);

#endif
