/* store.h: the one storage interface. A backend (sqlite.c; PostgreSQL later) fills a struct
 * of function pointers; callers never see SQL.
 *
 * Every function returns a store_rc: STORE_OK; STORE_NONE (no such row); STORE_DUP (a constraint refused the
 * row: mostly a unique value that already exists); STORE_RETRY (busy or serialization failure: only store_tx() acts on
 * it, by running the whole transaction again); STORE_ERR (our bug or a broken database,
 * already logged by the backend).
 *
 * Connections are per thread and opened on first use, so any thread may call any function.
 * Calls outside store_tx() run in autocommit mode. A backend whose database went away answers
 * STORE_ERR meanwhile and reconnects by itself (PostgreSQL). */
#ifndef PELUIT_STORE_H
#define PELUIT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "crypto/report.h"

enum store_rc { STORE_OK = 0, STORE_NONE = 1, STORE_DUP = 2, STORE_RETRY = -1, STORE_ERR = -2 };

#define USERNAME_MAX 64
#define NAME_MAX_BYTES 800 /* 200 code points of UTF-8 */

/* Sealed and wrapped blobs: nonce + ciphertext + tag, or a sealed box. */
#define SK_BYTES (crypto_box_SECRETKEYBYTES + crypto_sign_SECRETKEYBYTES)
#define WRAPPED_SK_BYTES (crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + SK_BYTES + \
                          crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define TOTP_SECRET_BYTES 20
#define SEALED_TOTP_BYTES (crypto_box_SEALBYTES + TOTP_SECRET_BYTES)

struct store_user {
	char id[ID_CHARS + 1];
	char username[USERNAME_MAX + 1];
	char name[NAME_MAX_BYTES + 1];
	char role[16];
	bool confirmed;         /* a hint for listings; trust comes from the certificate */
	bool disabled;
	bool refused;
	int64_t created_at;
	char created_by[USERNAME_MAX + 1];
	unsigned char pw_salt[PW_SALTBYTES];
	int pw_version;         /* 0: no password yet (awaiting activation) */
	unsigned char pw_verifier[PW_KEYBYTES];

	bool has_keys;
	unsigned char enc_pk[crypto_box_PUBLICKEYBYTES];
	unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk_pw[WRAPPED_SK_BYTES];
	unsigned char sk_rec[WRAPPED_SK_BYTES];

	bool has_cert;
	char cert_signer[ID_CHARS + 1];
	int64_t cert_at;
	unsigned char cert_sig[crypto_sign_BYTES];

	bool totp_enabled;
	unsigned char totp_sealed[SEALED_TOTP_BYTES];
	bool totp_pending_set;
	unsigned char totp_pending[SEALED_TOTP_BYTES];

	bool has_activation;
	unsigned char activation_hash[32];
	int64_t activation_expires;
};

#define SESSION_SECRETS_BYTES WRAPPED_SK_BYTES

struct store_session {
	unsigned char lookup[SESSION_LOOKUP_BYTES]; /* a subkey of the token, never the token */
	char user_id[ID_CHARS + 1];
	int64_t created_at;
	int64_t last_seen;   /* idle clock, written at most once a minute */
	int64_t expires_at;  /* absolute expiry */
	bool has_secrets;
	unsigned char secrets[SESSION_SECRETS_BYTES]; /* the user's secret keys under a token subkey */
};

struct store_org_key {
	char id[ID_CHARS + 1];
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	int64_t created_at;
	int64_t retired_at; /* 0: current */
};

#define SEALED_ORG_SK_BYTES (crypto_box_SEALBYTES + crypto_box_SECRETKEYBYTES)

typedef int (*store_user_cb)(void *arg, const struct store_user *u);

/* ---- reports ---- */

#define REPORTER_KEYS_BYTES (2 * RKEY_BYTES + BOX_OVERHEAD)
#define WRAPPED_FILE_KEY_BYTES (RKEY_BYTES + BOX_OVERHEAD)

/* Blobs of variable size (content, exclusions, bodies, meta) are malloc'd by the store when
 * read; release a record with the matching *_release function. */
struct store_report {
	char id[ID_CHARS + 1];
	char number[20];
	char category[32];
	char kecamatan[48];
	char status[32];
	char created_on[11], ack_due[11], due[11], acked_on[11], closed_on[11];
	char assignee[ID_CHARS + 1];
	unsigned char receipt_lookup[32];
	unsigned char reporter_keys[REPORTER_KEYS_BYTES];
	unsigned char *content;
	size_t content_len;
	bool has_identity;
	unsigned char identity[SEALED_IDENTITY_BYTES];
	unsigned char *exclusions;
	size_t exclusions_len;
	char org_key_id[ID_CHARS + 1];
	int64_t files, reporter_messages; /* reporter messages in all */
};
void store_report_release(struct store_report *r);

struct store_report_key {
	char report_id[ID_CHARS + 1];
	char holder[ID_CHARS + 1];
	char holder_kind[8];   /* user | org */
	unsigned char k_report[SEALED_RKEY_BYTES];
	unsigned char k_notes[SEALED_RKEY_BYTES];
	bool has_identity;
	unsigned char k_identity[SEALED_RKEY_BYTES];
	char how[8];           /* routing | grant */
	int64_t since;
};

struct store_message {
	char id[ID_CHARS + 1];
	char report_id[ID_CHARS + 1];
	char author[10];       /* reporter | staff | system */
	char author_id[ID_CHARS + 1];
	int64_t at, seq;
	unsigned char *body;
	size_t body_len;
};

struct store_file {
	char id[ID_CHARS + 1];
	char report_id[ID_CHARS + 1]; /* "" while staged */
	int64_t staged_at, added_at;
	char added_by[10];
	int64_t size, chunks;
	unsigned char stream_key[WRAPPED_FILE_KEY_BYTES];
	unsigned char header[FILE_HEADERBYTES];
	unsigned char *meta;
	size_t meta_len;
};

struct store_event {
	char id[ID_CHARS + 1];
	char report_id[ID_CHARS + 1];
	int64_t seq, at;
	char status[32];
	char actor_id[ID_CHARS + 1];
	unsigned char *reason;
	size_t reason_len;
	unsigned char *internal;
	size_t internal_len;
};

/* ---- case handling ---- */

/* One page of a reader's inbox: only reports holding a key sealed to `user_id`; NULL filter
 * fields mean any. Reads plain columns only. */
enum store_inbox_sort { INBOX_NEWEST, INBOX_OLDEST, INBOX_DUE };
struct store_inbox_filter {
	const char *user_id;
	const char *status, *category, *kecamatan, *assignee, *number;
	bool overdue;          /* only reports past a deadline they have not met */
	const char *today;     /* YYYY-MM-DD in WIB, for overdue */
	enum store_inbox_sort sort;
};

struct store_inbox_item {
	char id[ID_CHARS + 1];
	char number[20];
	char category[32];
	char status[32];
	char created_on[11], ack_due[11], due[11], acked_on[11], closed_on[11];
	char assignee[ID_CHARS + 1];          /* "" when none */
	char assignee_name[NAME_MAX_BYTES + 1];
	int64_t files, unread;                /* unread: reporter messages this user has not seen */
};
typedef int (*store_inbox_cb)(void *arg, const struct store_inbox_item *it);

/* Per status, how many of a reader's reports have it; and how many are overdue. */
typedef int (*store_count_cb)(void *arg, const char *key, int64_t n);

struct store_note {
	char id[ID_CHARS + 1];
	char report_id[ID_CHARS + 1];
	char author_id[ID_CHARS + 1];
	int64_t at;
	const unsigned char *body; /* under K_notes; borrowed during the callback */
	size_t body_len;
};
typedef int (*store_note_cb)(void *arg, const struct store_note *n);

struct store_idreq {
	char id[ID_CHARS + 1];
	char report_id[ID_CHARS + 1];
	char number[20];              /* the report's case number (read only) */
	char requester_id[ID_CHARS + 1];
	int64_t at;
	char state[10];               /* pending | approved | denied */
	char decided_by[ID_CHARS + 1];
	int64_t decided_at;
	const unsigned char *reason;  /* under K_notes; borrowed (NULL from idreq_get) */
	size_t reason_len;
	const unsigned char *decision;
	size_t decision_len;
};
typedef int (*store_idreq_cb)(void *arg, const struct store_idreq *q);

typedef int (*store_message_cb)(void *arg, const struct store_message *m);
typedef int (*store_file_cb)(void *arg, const struct store_file *f);
typedef int (*store_event_cb)(void *arg, const struct store_event *e);
typedef int (*store_chunk_cb)(void *arg, int64_t seq, const unsigned char *data, size_t len);

struct store_audit {
	int64_t seq;
	int64_t at; /* unix seconds; 0 when not recorded (reporter-originated) */
	char actor_id[ID_CHARS + 1];
	char actor[USERNAME_MAX + 1];
	char action[40];
	char subject[128];
	char detail[256];
	unsigned char prev[32], hash[32];
};

struct store_audit_sig {
	int64_t seq;
	char signer_id[ID_CHARS + 1]; /* "" for the server */
	int64_t signed_at;
	unsigned char sig[64];
};

/* Filters of the audit listing; NULL or 0 means any. */
struct store_audit_filter {
	const char *actor;   /* username */
	const char *action;
	const char *subject;
	int64_t from, to;    /* unix seconds, inclusive */
};

typedef int (*store_audit_cb)(void *arg, const struct store_audit *e);
typedef int (*store_audit_sig_cb)(void *arg, const struct store_audit_sig *s);
typedef int (*store_pending_cb)(void *arg, const char *action, const char *subject);

/* Copying a whole instance (peluit migrate): every table, parents before children, with the
 * columns to copy (ids that only keep the order of arrival are left out: rows are copied in
 * that order). A table added by a migration must be added here too. */
struct store_table {
	const char *name;
	const char *cols; /* "a, b, c" */
	int ncols;
};
extern const struct store_table store_tables[];
extern const size_t store_tables_count;
/* Tables a backend derives from the others, kept by triggers as rows arrive (key_counts:
 * report keys per holder; report_total, PostgreSQL only: how many reports). Never copied: the
 * target's triggers rebuild them from the rows copied. */
extern const char *const store_derived_tables[];
extern const size_t store_derived_tables_count;

struct store_value {
	enum { STORE_V_NULL, STORE_V_INT, STORE_V_TEXT, STORE_V_BLOB } type;
	int64_t i;
	const void *p; /* TEXT (NUL-terminated) and BLOB */
	size_t len;
};
/* One row, t->ncols values; non-zero stops the walk (and is returned). */
typedef int (*store_row_cb)(void *arg, const struct store_value *row);

struct store {
	void *cls;
	const char *backend; /* "sqlite" or "postgresql" */

	/* Applies the numbered migrations that are missing. *from, *to: versions before, after. */
	int (*migrate)(void *cls, int *from, int *to);
	/* STORE_OK when the schema is the version this program needs, else STORE_ERR with the
	 * versions in *have and *want. */
	int (*schema_check)(void *cls, int *have, int *want);
	/* STORE_OK when the database answers a query. */
	int (*ping)(void *cls);

	int (*begin)(void *cls); /* a write transaction, taking the write lock at once */
	/* Whether the calling thread's commits wait for the disk (the default) or not. Only for
	 * data that stays invisible until a later durable commit makes it count. */
	void (*durable)(void *cls, bool wait_for_disk);
	int (*commit)(void *cls);
	void (*rollback)(void *cls);

	int (*user_insert)(void *cls, const struct store_user *u);
	/* Writes every mutable column of u (keys, password, certificate, flags, TOTP, activation). */
	int (*user_update)(void *cls, const struct store_user *u);
	int (*user_by_username)(void *cls, const char *username, struct store_user *out);
	int (*user_by_id)(void *cls, const char *id, struct store_user *out);
	/* Calls cb for every user, oldest first; stops early when cb returns non-zero. */
	int (*user_list)(void *cls, store_user_cb cb, void *arg);
	/* Marks every account whose certificate `signer_id` signed as not confirmed. */
	int (*users_unconfirm_signed_by)(void *cls, const char *signer_id);
	/* Activated reader accounts awaiting confirmation (not disabled, not refused). */
	int (*users_pending)(void *cls, store_user_cb cb, void *arg);
	/* Calls cb for every active investigator, supervisor and leader marked confirmed (callers
	 * verify the certificate before trusting one). */
	int (*readers)(void *cls, store_user_cb cb, void *arg);

	int (*session_insert)(void *cls, const struct store_session *s);
	int (*session_get)(void *cls, const unsigned char lookup[SESSION_LOOKUP_BYTES],
	                   struct store_session *out);
	int (*session_touch)(void *cls, const unsigned char lookup[SESSION_LOOKUP_BYTES], int64_t now);
	int (*session_delete)(void *cls, const unsigned char lookup[SESSION_LOOKUP_BYTES]);
	/* Ends every session of a user. */
	int (*sessions_delete_user)(void *cls, const char *user_id);
	/* Deletes sessions idle since before idle_before or past their absolute expiry. */
	int (*session_purge)(void *cls, int64_t now, int64_t idle_before);

	/* The organisation key: the current one (STORE_NONE if none), new ones, and copies of
	 * its secret key sealed to supervisors. */
	int (*org_key_current)(void *cls, struct store_org_key *out);
	int (*org_key_insert)(void *cls, const struct store_org_key *k);
	int (*org_key_retire)(void *cls, const char *id, int64_t at);
	int (*org_copy_put)(void *cls, const char *org_key_id, const char *user_id,
	                    const unsigned char sealed[SEALED_ORG_SK_BYTES]);
	int (*org_copy_get)(void *cls, const char *org_key_id, const char *user_id,
	                    unsigned char sealed[SEALED_ORG_SK_BYTES]);
	/* Calls cb with each user id holding a copy of the given key. */
	int (*org_copy_holders)(void *cls, const char *org_key_id,
	                        int (*cb)(void *arg, const char *user_id), void *arg);
	/* A retired organisation key that still holds report keys (STORE_NONE when none), and
	 * how many report keys it still holds. */
	int (*org_key_retired_in_use)(void *cls, struct store_org_key *out, int64_t *remaining);
	/* Deletes an organisation key and every copy of it. */
	int (*org_key_delete)(void *cls, const char *id);
	/* Up to `limit` report keys held by `holder`. */
	int (*report_keys_of)(void *cls, const char *holder, int64_t limit,
	                      int (*cb)(void *arg, const struct store_report_key *k), void *arg);
	int (*report_key_delete)(void *cls, const char *report_id, const char *holder);
	int (*report_set_org_key)(void *cls, const char *report_id, const char *org_key_id);
	/* Deletes every key copy sealed to a user (organisation key, later report keys). */
	int (*key_copies_delete_user)(void *cls, const char *user_id);

	/* Settings as JSON text by key; STORE_NONE when never set. */
	int (*setting_get)(void *cls, const char *key, char *value, size_t len);
	int (*setting_put)(void *cls, const char *key, const char *value);

	/* Reports. */
	int (*report_insert)(void *cls, const struct store_report *r);
	int (*report_by_id)(void *cls, const char *id, struct store_report *out);
	int (*report_by_lookup)(void *cls, const unsigned char lookup[32], struct store_report *out);
	int (*report_by_number)(void *cls, const char *number, struct store_report *out);
	/* Adds to the counters of files and of messages from the reporter. */
	int (*report_count)(void *cls, const char *id, int64_t files, int64_t reporter_messages);
	/* The next case number of a year (1, 2, …), inside the transaction that uses it. */
	int (*case_number_next)(void *cls, int year, int64_t *n);
	int (*report_key_put)(void *cls, const struct store_report_key *k);
	/* Appends a message; its seq is assigned (the next in its report). */
	int (*message_insert)(void *cls, const struct store_message *m);
	int (*messages_each)(void *cls, const char *report_id, store_message_cb cb, void *arg);
	/* Files are inserted staged (no report), get their chunks in short transactions, and are
	 * attached to a report in the transaction that makes it (or them) visible. */
	int (*file_insert)(void *cls, const struct store_file *f);
	int (*file_chunk_put)(void *cls, const char *file_id, int64_t seq, const unsigned char *data,
	                      size_t len);
	int (*file_finish)(void *cls, const struct store_file *f); /* size, chunks, meta */
	/* Marks a staged file's upload as still arriving: staged_at = at (no-op once attached). */
	int (*file_touch)(void *cls, const char *file_id, int64_t at);
	int (*file_attach)(void *cls, const char *file_id, const char *report_id, int64_t added_at);
	int (*files_each)(void *cls, const char *report_id, store_file_cb cb, void *arg);
	int (*file_chunks_each)(void *cls, const char *file_id, store_chunk_cb cb, void *arg);
	/* Deletes staged files (and their chunks) whose upload was last active (staged_at) before
	 * `before`; *n how many. */
	int (*files_sweep)(void *cls, int64_t before, int64_t *n);
	int (*event_insert)(void *cls, const struct store_event *e);
	int (*events_each)(void *cls, const char *report_id, store_event_cb cb, void *arg);
	/* Case handling (staff). */
	int (*inbox_page)(void *cls, const struct store_inbox_filter *f, int64_t offset,
	                  int64_t limit, store_inbox_cb cb, void *arg, int64_t *total);
	/* The counts of a reader's inbox: cb(status, n) for each status present, then
	 * cb("overdue", n). */
	int (*inbox_counts)(void *cls, const char *user_id, const char *today, store_count_cb cb,
	                    void *arg);
	/* Writes status, acked_on, closed_on and assignee of r. */
	int (*report_update)(void *cls, const struct store_report *r);
	/* Records that a user has seen the reporter's messages up to `messages` in all. */
	int (*report_seen)(void *cls, const char *report_id, const char *user_id, int64_t messages);
	int (*report_key_get)(void *cls, const char *report_id, const char *holder,
	                      struct store_report_key *out);
	/* Every key row of a report (users and the organisation key), oldest first. */
	int (*report_keys_each)(void *cls, const char *report_id,
	                        int (*cb)(void *arg, const struct store_report_key *k), void *arg);
	int (*note_insert)(void *cls, const struct store_note *n);
	int (*notes_each)(void *cls, const char *report_id, store_note_cb cb, void *arg);
	int (*idreq_insert)(void *cls, const struct store_idreq *q);
	/* Writes state, decided_by, decided_at and decision. */
	int (*idreq_update)(void *cls, const struct store_idreq *q);
	int (*idreq_get)(void *cls, const char *id, struct store_idreq *out);
	/* Requests of one report (report_id set) or, with report_id NULL, of every report (newest
	 * first), optionally only those in `state`. */
	int (*idreqs_each)(void *cls, const char *report_id, const char *state, store_idreq_cb cb,
	                   void *arg);
	/* A file of a report (meta malloc'd: free it), and one of its chunks into buf. */
	int (*file_get)(void *cls, const char *file_id, struct store_file *out);
	int (*file_chunk_get)(void *cls, const char *file_id, int64_t seq, unsigned char *buf,
	                      size_t cap, size_t *len);
	/* The audit entries about one subject (a case number), oldest first. */
	int (*audit_subject_each)(void *cls, const char *subject, store_audit_cb cb, void *arg);
	/* Reporter sessions (receipt logins). */
	int (*reporter_session_insert)(void *cls, const unsigned char lookup[32], const char *report_id,
	                               int64_t now, const unsigned char *secrets, size_t len);
	int (*reporter_session_get)(void *cls, const unsigned char lookup[32],
	                            char report_id[ID_CHARS + 1], int64_t *last_seen,
	                            unsigned char *secrets, size_t len);
	int (*reporter_session_touch)(void *cls, const unsigned char lookup[32], int64_t now);
	int (*reporter_session_delete)(void *cls, const unsigned char lookup[32]);
	int (*reporter_session_purge)(void *cls, int64_t idle_before);

	/* The audit trail. The head (seq 0 and a zero hash when empty) must be read in the same
	 * write transaction as the insert that follows it. */
	int (*audit_head)(void *cls, int64_t *seq, unsigned char hash[32]);
	int (*audit_insert)(void *cls, const struct store_audit *e);
	/* Every entry, oldest first. */
	int (*audit_each)(void *cls, store_audit_cb cb, void *arg);
	/* A page of entries, newest first, and the number matching in all. */
	int (*audit_page)(void *cls, const struct store_audit_filter *f, int64_t offset,
	                  int64_t limit, store_audit_cb cb, void *arg, int64_t *total);
	int (*audit_sig_insert)(void *cls, const struct store_audit_sig *s);
	/* Every head signature, by seq. */
	int (*audit_sig_each)(void *cls, store_audit_sig_cb cb, void *arg);
	/* The highest seq signed by the server (server true) or by anyone else; 0 if none. */
	int (*audit_last_signed)(void *cls, bool server, int64_t *seq);
	int (*audit_pending_insert)(void *cls, const char *action, const char *subject);
	/* Calls cb for each queued reporter entry, then deletes them all. In a transaction. */
	int (*audit_pending_take)(void *cls, store_pending_cb cb, void *arg);

	/* Refreshes the statistics the query planner uses (bounded work); NULL when the engine
	 * does it by itself. serve calls it at start and hourly. */
	void (*optimize)(void *cls);

	/* Whole-instance copy: each row of a table in the order of arrival (one row in memory
	 * at a time), a row's insertion, and a table's row count. NULL where a backend cannot be
	 * the source (table_each) or the target (table_insert). */
	int (*table_each)(void *cls, const struct store_table *t, store_row_cb cb, void *arg);
	int (*table_insert)(void *cls, const struct store_table *t, const struct store_value *row);
	int (*table_count)(void *cls, const struct store_table *t, int64_t *n);

	/* Closes the calling thread's connection and frees the store. */
	void (*close)(struct store *s);
};

/* Opens the store named by `url` ("" = SQLite at DATA_DIR/peluit.db; "sqlite:PATH";
 * "postgresql://…" or "postgres://…", a libpq connection URI).
 * `create`: whether a missing database may be created (init) or is an error (serve).
 * Returns NULL with err set. */
struct store *store_open(const char *url, const char *data_dir, bool create,
                         char *err, size_t errlen);

/* Runs fn inside a write transaction and commits. When fn, begin or commit reports
 * STORE_RETRY, rolls back and runs everything again (bounded, with jittered back-off).
 * fn must therefore be safe to repeat: no side effects outside the store. Returns fn's
 * result (STORE_OK committed; anything else rolled back). */
int store_tx(struct store *s, int (*fn)(struct store *s, void *arg), void *arg);

/* store_tx for staging data that nothing can see yet (uploaded chunks): commits do not wait
 * for the disk; the durable transaction that later makes the data visible also makes it
 * durable (SQLite's WAL is written in order), and a crash before it leaves only staged data
 * for the sweep. */
int store_tx_staging(struct store *s, int (*fn)(struct store *s, void *arg), void *arg);

/* Backends. */
struct store *store_sqlite_open(const char *path, bool create, char *err, size_t errlen);
/* The database must exist; `create` does not apply (init applies the migrations). */
struct store *store_pg_open(const char *url, char *err, size_t errlen);

#endif
