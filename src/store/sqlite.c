/* sqlite.c: the SQLite backend of store.h. WAL, foreign keys, secure_delete, a busy timeout,
 * one connection per thread (a pthread key per store, closed when the thread exits), write
 * transactions begun with BEGIN IMMEDIATE, migrations numbered in PRAGMA user_version. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/assets.h"
#include "core/log.h"
#include "store/backend.h"
#include "store/store.h"

#define STMT_CACHE 160

struct conn {
	sqlite3 *db;
	struct {
		const char *sql; /* compared by pointer: every query is a string literal */
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
	int ncache;
};

struct sq {
	struct store store;
	char path[4200];
	pthread_key_t key;
};

static void conn_free(void *p)
{
	struct conn *c = p;
	if (!c)
		return;
	for (int i = 0; i < c->ncache; i++)
		sqlite3_finalize(c->cache[i].st);
	sqlite3_close(c->db);
	free(c);
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_error("sqlite: %s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc;
}

static struct conn *conn_open(struct sq *q, bool create, char *err, size_t errlen)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(q->path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s%s", q->path, sqlite3_errstr(rc),
		         rc == SQLITE_CANTOPEN ? " (run 'peluit init' first)" : "");
		conn_free(c);
		return NULL;
	}
	sqlite3_busy_timeout(c->db, 5000);
	sqlite3_extended_result_codes(c->db, 0);
	/* FULL: a receipt is only shown after its commit reached the disk. */
	/* cache_size: 8 MiB per connection at most (taken only as pages are read), enough for
	 * the inbox's plain columns of 100,000 reports. */
	if (exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	                "PRAGMA secure_delete=ON; PRAGMA trusted_schema=OFF; "
	                "PRAGMA cache_size=-8192;") != SQLITE_OK) {
		snprintf(err, errlen, "%s: could not configure the database", q->path);
		conn_free(c);
		return NULL;
	}
	return c;
}

/* The calling thread's connection, opened on first use. NULL (logged) on failure. */
static struct conn *conn_get(struct sq *q)
{
	struct conn *c = pthread_getspecific(q->key);
	if (c)
		return c;
	char err[512];
	c = conn_open(q, false, err, sizeof err);
	if (!c) {
		log_error("store: %s", err);
		return NULL;
	}
	pthread_setspecific(q->key, c);
	return c;
}

/* A reset prepared statement for `sql` (a string literal) on this thread's connection. */
static sqlite3_stmt *stmt(struct sq *q, const char *sql)
{
	struct conn *c = conn_get(q);
	if (!c)
		return NULL;
	for (int i = 0; i < c->ncache; i++)
		if (c->cache[i].sql == sql) {
			sqlite3_reset(c->cache[i].st);
			sqlite3_clear_bindings(c->cache[i].st);
			return c->cache[i].st;
		}
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		log_error("sqlite: prepare: %s", sqlite3_errmsg(c->db));
		return NULL;
	}
	if (c->ncache < STMT_CACHE) {
		c->cache[c->ncache].sql = sql;
		c->cache[c->ncache++].st = st;
	} else {
		log_error("sqlite: statement cache full; raise STMT_CACHE");
	}
	return st;
}

/* Maps a step/exec result onto store_rc. */
static int rc_of(struct sq *q, int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_RETRY;
	case SQLITE_CONSTRAINT:
		return STORE_DUP;
	default: {
		struct conn *c = pthread_getspecific(q->key);
		log_error("sqlite: %s", c ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		return STORE_ERR;
	}
	}
}

/* The store_rc of a step loop (or single step) that ended with `rc`, the statement reset
 * for reuse. `one`: a single-row query, where no row is STORE_NONE. */
static int finish(struct sq *q, sqlite3_stmt *st, int rc, bool one)
{
	int r = rc == SQLITE_ROW ? STORE_OK
	      : rc == SQLITE_DONE ? (one ? STORE_NONE : STORE_OK)
	                          : rc_of(q, rc);
	sqlite3_reset(st);
	return r;
}

/* Steps a statement that returns no rows. */
static int run(struct sq *q, sqlite3_stmt *st)
{
	if (!st)
		return STORE_ERR;
	int rc = rc_of(q, sqlite3_step(st));
	sqlite3_reset(st);
	return rc;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	sqlite3_bind_blob(st, i, p, (int)n, SQLITE_STATIC);
}

static void copy_text(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	snprintf(dst, len, "%s", s ? (const char *)s : "");
}

static void copy_blob(void *dst, size_t len, sqlite3_stmt *st, int col)
{
	memset(dst, 0, len);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	const void *p = sqlite3_column_blob(st, col);
	if (p)
		memcpy(dst, p, n < len ? n : len);
}

/* ---- schema ---- */

static int user_version(struct sq *q, int *v)
{
	sqlite3_stmt *st = stmt(q, "PRAGMA user_version");
	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return STORE_ERR;
	*v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return STORE_OK;
}

static int sq_migrate(void *cls, int *from, int *to)
{
	struct sq *q = cls;
	struct conn *c = conn_get(q);
	int have;
	if (!c || user_version(q, &have) != STORE_OK)
		return STORE_ERR;
	*from = have;
	int want = store_migration_latest("sqlite");
	for (int v = have + 1; v <= want; v++) {
		const struct asset *m = store_migration("sqlite", v);
		char set[64];
		snprintf(set, sizeof set, "PRAGMA user_version = %d;", v);
		if (exec(c->db, "BEGIN IMMEDIATE") != SQLITE_OK)
			return STORE_ERR;
		if (exec(c->db, (const char *)m->data) != SQLITE_OK || exec(c->db, set) != SQLITE_OK) {
			log_error("store: migration %s failed", m->name);
			exec(c->db, "ROLLBACK");
			return STORE_ERR;
		}
		if (exec(c->db, "COMMIT") != SQLITE_OK)
			return STORE_ERR;
	}
	*to = want;
	return STORE_OK;
}

static int sq_schema_check(void *cls, int *have, int *want)
{
	*want = store_migration_latest("sqlite");
	if (user_version(cls, have) != STORE_OK)
		return STORE_ERR;
	return *have == *want ? STORE_OK : STORE_ERR;
}

static int sq_ping(void *cls)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT 1");
	if (!st)
		return STORE_ERR;
	int rc = sqlite3_step(st) == SQLITE_ROW ? STORE_OK : STORE_ERR;
	sqlite3_reset(st);
	return rc;
}

/* ---- transactions ---- */

static int sq_begin(void *cls)
{
	struct sq *q = cls;
	return run(q, stmt(q, "BEGIN IMMEDIATE"));
}

static int sq_commit(void *cls)
{
	struct sq *q = cls;
	return run(q, stmt(q, "COMMIT"));
}

static void sq_durable(void *cls, bool wait_for_disk)
{
	struct sq *q = cls;
	struct conn *c = conn_get(q);
	if (c)
		exec(c->db, wait_for_disk ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

static void sq_rollback(void *cls)
{
	struct sq *q = cls;
	struct conn *c = conn_get(q);
	if (c && !sqlite3_get_autocommit(c->db))
		run(q, stmt(q, "ROLLBACK"));
}

/* ---- users ---- */

#define USER_COLS "id, username, name, role, confirmed, disabled, created_at, pw_salt, " \
                  "pw_version, pw_verifier, created_by, refused, enc_pk, sign_pk, sk_pw, sk_rec, " \
                  "cert_signer, cert_at, cert_sig, totp_sealed, totp_pending, activation_hash, " \
                  "activation_expires"

static bool is_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL;
}

static void read_user(sqlite3_stmt *st, struct store_user *u)
{
	memset(u, 0, sizeof *u);
	copy_text(u->id, sizeof u->id, st, 0);
	copy_text(u->username, sizeof u->username, st, 1);
	copy_text(u->name, sizeof u->name, st, 2);
	copy_text(u->role, sizeof u->role, st, 3);
	u->confirmed = sqlite3_column_int(st, 4) != 0;
	u->disabled = sqlite3_column_int(st, 5) != 0;
	u->created_at = sqlite3_column_int64(st, 6);
	copy_blob(u->pw_salt, sizeof u->pw_salt, st, 7);
	u->pw_version = sqlite3_column_int(st, 8);
	copy_blob(u->pw_verifier, sizeof u->pw_verifier, st, 9);
	copy_text(u->created_by, sizeof u->created_by, st, 10);
	u->refused = sqlite3_column_int(st, 11) != 0;
	u->has_keys = !is_null(st, 12);
	copy_blob(u->enc_pk, sizeof u->enc_pk, st, 12);
	copy_blob(u->sign_pk, sizeof u->sign_pk, st, 13);
	copy_blob(u->sk_pw, sizeof u->sk_pw, st, 14);
	copy_blob(u->sk_rec, sizeof u->sk_rec, st, 15);
	u->has_cert = !is_null(st, 18);
	copy_text(u->cert_signer, sizeof u->cert_signer, st, 16);
	u->cert_at = sqlite3_column_int64(st, 17);
	copy_blob(u->cert_sig, sizeof u->cert_sig, st, 18);
	u->totp_enabled = !is_null(st, 19);
	copy_blob(u->totp_sealed, sizeof u->totp_sealed, st, 19);
	u->totp_pending_set = !is_null(st, 20);
	copy_blob(u->totp_pending, sizeof u->totp_pending, st, 20);
	u->has_activation = !is_null(st, 21);
	copy_blob(u->activation_hash, sizeof u->activation_hash, st, 21);
	u->activation_expires = sqlite3_column_int64(st, 22);
}

/* Binds a blob, or NULL when `present` is false. */
static void bind_opt_blob(sqlite3_stmt *st, int i, bool present, const void *p, size_t n)
{
	if (present)
		bind_blob(st, i, p, n);
	else
		sqlite3_bind_null(st, i);
}

/* Binds every column of USER_COLS from u, in order, from index 1. */
static void bind_user(sqlite3_stmt *st, const struct store_user *u)
{
	bind_text(st, 1, u->id);
	bind_text(st, 2, u->username);
	bind_text(st, 3, u->name);
	bind_text(st, 4, u->role);
	sqlite3_bind_int(st, 5, u->confirmed);
	sqlite3_bind_int(st, 6, u->disabled);
	sqlite3_bind_int64(st, 7, u->created_at);
	bind_blob(st, 8, u->pw_salt, sizeof u->pw_salt);
	sqlite3_bind_int(st, 9, u->pw_version);
	bind_blob(st, 10, u->pw_verifier, sizeof u->pw_verifier);
	bind_text(st, 11, u->created_by);
	sqlite3_bind_int(st, 12, u->refused);
	bind_opt_blob(st, 13, u->has_keys, u->enc_pk, sizeof u->enc_pk);
	bind_opt_blob(st, 14, u->has_keys, u->sign_pk, sizeof u->sign_pk);
	bind_opt_blob(st, 15, u->has_keys, u->sk_pw, sizeof u->sk_pw);
	bind_opt_blob(st, 16, u->has_keys, u->sk_rec, sizeof u->sk_rec);
	if (u->has_cert)
		bind_text(st, 17, u->cert_signer);
	else
		sqlite3_bind_null(st, 17);
	sqlite3_bind_int64(st, 18, u->has_cert ? u->cert_at : 0);
	bind_opt_blob(st, 19, u->has_cert, u->cert_sig, sizeof u->cert_sig);
	bind_opt_blob(st, 20, u->totp_enabled, u->totp_sealed, sizeof u->totp_sealed);
	bind_opt_blob(st, 21, u->totp_pending_set, u->totp_pending, sizeof u->totp_pending);
	bind_opt_blob(st, 22, u->has_activation, u->activation_hash, sizeof u->activation_hash);
	sqlite3_bind_int64(st, 23, u->has_activation ? u->activation_expires : 0);
}

static int sq_user_insert(void *cls, const struct store_user *u)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO users (" USER_COLS ") VALUES "
	                           "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_user(st, u);
	return run(q, st);
}

static int sq_user_update(void *cls, const struct store_user *u)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE users SET username=?2, name=?3, role=?4, confirmed=?5, "
	                           "disabled=?6, created_at=?7, pw_salt=?8, pw_version=?9, "
	                           "pw_verifier=?10, created_by=?11, refused=?12, enc_pk=?13, "
	                           "sign_pk=?14, sk_pw=?15, sk_rec=?16, cert_signer=?17, cert_at=?18, "
	                           "cert_sig=?19, totp_sealed=?20, totp_pending=?21, "
	                           "activation_hash=?22, activation_expires=?23 WHERE id=?1");
	if (!st)
		return STORE_ERR;
	bind_user(st, u);
	int rc = run(q, st);
	if (rc == STORE_OK && sqlite3_changes(conn_get(q)->db) == 0)
		return STORE_NONE;
	return rc;
}

/* Reads one user row from a prepared, bound statement. */
static int one_user(struct sq *q, sqlite3_stmt *st, struct store_user *out)
{
	if (!st)
		return STORE_ERR;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_user(st, out);
	return finish(q, st, rc, true);
}

static int sq_user_by_username(void *cls, const char *username, struct store_user *out)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT " USER_COLS " FROM users WHERE username = ?");
	if (st)
		bind_text(st, 1, username);
	return one_user(q, st, out);
}

static int sq_user_by_id(void *cls, const char *id, struct store_user *out)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT " USER_COLS " FROM users WHERE id = ?");
	if (st)
		bind_text(st, 1, id);
	return one_user(q, st, out);
}

/* Steps a user query, calling cb for each row. */
static int each_user(struct sq *q, sqlite3_stmt *st, store_user_cb cb, void *arg)
{
	if (!st)
		return STORE_ERR;
	struct store_user u;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_user(st, &u);
		if (cb(arg, &u) != 0)
			break;
	}
	int r = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : rc_of(q, rc);
	sqlite3_reset(st);
	sodium_memzero(&u, sizeof u);
	return r;
}

static int sq_user_list(void *cls, store_user_cb cb, void *arg)
{
	struct sq *q = cls;
	return each_user(q, stmt(q, "SELECT " USER_COLS " FROM users ORDER BY created_at, username"),
	                 cb, arg);
}

static int sq_users_unconfirm_signed_by(void *cls, const char *signer_id)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE users SET confirmed = 0 WHERE cert_signer = ? AND id <> ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, signer_id);
	bind_text(st, 2, signer_id);
	return run(q, st);
}

static int sq_users_pending(void *cls, store_user_cb cb, void *arg)
{
	struct sq *q = cls;
	return each_user(q, stmt(q, "SELECT " USER_COLS " FROM users WHERE confirmed = 0 AND "
	                            "disabled = 0 AND refused = 0 AND enc_pk IS NOT NULL AND "
	                            "role IN ('investigator', 'supervisor', 'leader') "
	                            "ORDER BY created_at"), cb, arg);
}

static int sq_readers(void *cls, store_user_cb cb, void *arg)
{
	struct sq *q = cls;
	return each_user(q, stmt(q, "SELECT " USER_COLS " FROM users WHERE confirmed = 1 AND "
	                            "disabled = 0 AND role IN ('investigator', 'supervisor', 'leader') "
	                            "ORDER BY name"), cb, arg);
}

/* ---- sessions ---- */

static int sq_session_insert(void *cls, const struct store_session *s)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO sessions (lookup, user_id, created_at, last_seen, "
	                           "expires_at, secrets) VALUES (?,?,?,?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_blob(st, 1, s->lookup, sizeof s->lookup);
	bind_text(st, 2, s->user_id);
	sqlite3_bind_int64(st, 3, s->created_at);
	sqlite3_bind_int64(st, 4, s->last_seen);
	sqlite3_bind_int64(st, 5, s->expires_at);
	bind_opt_blob(st, 6, s->has_secrets, s->secrets, sizeof s->secrets);
	return run(q, st);
}

static int sq_session_get(void *cls, const unsigned char lookup[SESSION_LOOKUP_BYTES],
                          struct store_session *out)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT user_id, created_at, last_seen, expires_at, secrets "
	                           "FROM sessions WHERE lookup = ?");
	if (!st)
		return STORE_ERR;
	bind_blob(st, 1, lookup, SESSION_LOOKUP_BYTES);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memcpy(out->lookup, lookup, SESSION_LOOKUP_BYTES);
		copy_text(out->user_id, sizeof out->user_id, st, 0);
		out->created_at = sqlite3_column_int64(st, 1);
		out->last_seen = sqlite3_column_int64(st, 2);
		out->expires_at = sqlite3_column_int64(st, 3);
		out->has_secrets = !is_null(st, 4);
		copy_blob(out->secrets, sizeof out->secrets, st, 4);
	}
	return finish(q, st, rc, true);
}

static int sq_session_touch(void *cls, const unsigned char lookup[SESSION_LOOKUP_BYTES], int64_t now)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE sessions SET last_seen = ? WHERE lookup = ?");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, now);
	bind_blob(st, 2, lookup, SESSION_LOOKUP_BYTES);
	return run(q, st);
}

static int sq_session_delete(void *cls, const unsigned char lookup[SESSION_LOOKUP_BYTES])
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "DELETE FROM sessions WHERE lookup = ?");
	if (!st)
		return STORE_ERR;
	bind_blob(st, 1, lookup, SESSION_LOOKUP_BYTES);
	return run(q, st);
}

static int sq_sessions_delete_user(void *cls, const char *user_id)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "DELETE FROM sessions WHERE user_id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, user_id);
	return run(q, st);
}

static int sq_session_purge(void *cls, int64_t now, int64_t idle_before)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen < ?");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, idle_before);
	return run(q, st);
}

/* ---- organisation key ---- */

static int sq_org_key_current(void *cls, struct store_org_key *out)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT id, pk, created_at FROM org_keys WHERE retired_at IS NULL "
	                           "ORDER BY created_at DESC LIMIT 1");
	if (!st)
		return STORE_ERR;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		copy_text(out->id, sizeof out->id, st, 0);
		copy_blob(out->pk, sizeof out->pk, st, 1);
		out->created_at = sqlite3_column_int64(st, 2);
		out->retired_at = 0;
	}
	return finish(q, st, rc, true);
}

static int sq_org_key_insert(void *cls, const struct store_org_key *k)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO org_keys (id, pk, created_at) VALUES (?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, k->id);
	bind_blob(st, 2, k->pk, sizeof k->pk);
	sqlite3_bind_int64(st, 3, k->created_at);
	return run(q, st);
}

static int sq_org_key_retire(void *cls, const char *id, int64_t at)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE org_keys SET retired_at = ? WHERE id = ?");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, at);
	bind_text(st, 2, id);
	return run(q, st);
}

static int sq_org_copy_put(void *cls, const char *org_key_id, const char *user_id,
                           const unsigned char sealed[SEALED_ORG_SK_BYTES])
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT OR REPLACE INTO org_key_copies (org_key_id, user_id, sealed) "
	                           "VALUES (?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, org_key_id);
	bind_text(st, 2, user_id);
	bind_blob(st, 3, sealed, SEALED_ORG_SK_BYTES);
	return run(q, st);
}

static int sq_org_copy_get(void *cls, const char *org_key_id, const char *user_id,
                           unsigned char sealed[SEALED_ORG_SK_BYTES])
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT sealed FROM org_key_copies WHERE org_key_id = ? AND "
	                           "user_id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, org_key_id);
	bind_text(st, 2, user_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		copy_blob(sealed, SEALED_ORG_SK_BYTES, st, 0);
	return finish(q, st, rc, true);
}

static int sq_org_copy_holders(void *cls, const char *org_key_id,
                               int (*cb)(void *arg, const char *user_id), void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT user_id FROM org_key_copies WHERE org_key_id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, org_key_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(st, 0)) != 0)
			break;
	return finish(q, st, rc, false);
}

static int sq_org_key_retired_in_use(void *cls, struct store_org_key *out, int64_t *remaining)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT k.id, k.pk, k.created_at, k.retired_at, count(*) FROM "
	                           "org_keys k JOIN report_keys r ON r.holder = k.id AND "
	                           "r.holder_kind = 'org' WHERE k.retired_at IS NOT NULL "
	                           "GROUP BY k.id ORDER BY k.retired_at LIMIT 1");
	if (!st)
		return STORE_ERR;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		copy_text(out->id, sizeof out->id, st, 0);
		copy_blob(out->pk, sizeof out->pk, st, 1);
		out->created_at = sqlite3_column_int64(st, 2);
		out->retired_at = sqlite3_column_int64(st, 3);
		*remaining = sqlite3_column_int64(st, 4);
	}
	return finish(q, st, rc, true);
}

static int sq_org_key_delete(void *cls, const char *id)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "DELETE FROM org_keys WHERE id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, id);
	return run(q, st);
}

static int sq_report_keys_of(void *cls, const char *holder, int64_t limit,
                             int (*cb)(void *arg, const struct store_report_key *k), void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT report_id, holder, holder_kind, k_report, k_notes, "
	                           "k_identity, how, since FROM report_keys WHERE holder = ? LIMIT ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, holder);
	sqlite3_bind_int64(st, 2, limit);
	int rc;
	/* Collected first: the callback writes to the same table. */
	struct store_report_key *keys = NULL;
	size_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_report_key *p = realloc(keys, (n + 1) * sizeof *keys);
		if (!p)
			break;
		keys = p;
		struct store_report_key *k = &keys[n++];
		memset(k, 0, sizeof *k);
		copy_text(k->report_id, sizeof k->report_id, st, 0);
		copy_text(k->holder, sizeof k->holder, st, 1);
		copy_text(k->holder_kind, sizeof k->holder_kind, st, 2);
		copy_blob(k->k_report, sizeof k->k_report, st, 3);
		copy_blob(k->k_notes, sizeof k->k_notes, st, 4);
		k->has_identity = !is_null(st, 5);
		copy_blob(k->k_identity, sizeof k->k_identity, st, 5);
		copy_text(k->how, sizeof k->how, st, 6);
		k->since = sqlite3_column_int64(st, 7);
	}
	int r = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : rc_of(q, rc);
	sqlite3_reset(st);
	for (size_t i = 0; r == STORE_OK && i < n; i++)
		if (cb(arg, &keys[i]) != 0)
			r = STORE_ERR;
	free(keys);
	return r;
}

static int sq_report_key_delete(void *cls, const char *report_id, const char *holder)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "DELETE FROM report_keys WHERE report_id = ? AND holder = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, report_id);
	bind_text(st, 2, holder);
	return run(q, st);
}

static int sq_report_set_org_key(void *cls, const char *report_id, const char *org_key_id)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE reports SET org_key_id = ? WHERE id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, org_key_id);
	bind_text(st, 2, report_id);
	return run(q, st);
}

static int sq_key_copies_delete_user(void *cls, const char *user_id)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "DELETE FROM org_key_copies WHERE user_id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, user_id);
	int rc = run(q, st);
	if (rc != STORE_OK || !(st = stmt(q, "DELETE FROM report_keys WHERE holder = ? AND "
	                                     "holder_kind = 'user'")))
		return rc == STORE_OK ? STORE_ERR : rc;
	bind_text(st, 1, user_id);
	return run(q, st);
}

/* ---- settings ---- */

static int sq_setting_get(void *cls, const char *key, char *value, size_t len)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT value FROM settings WHERE key = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		copy_text(value, len, st, 0);
	return finish(q, st, rc, true);
}

static int sq_setting_put(void *cls, const char *key, const char *value)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT OR REPLACE INTO settings (key, value) VALUES (?,?)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	return run(q, st);
}

/* ---- reports ---- */

/* A malloc'd copy of a blob column (NULL and 0 when NULL or empty). */
static unsigned char *dup_blob(sqlite3_stmt *st, int col, size_t *len)
{
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	const void *p = sqlite3_column_blob(st, col);
	*len = 0;
	if (!p || n == 0)
		return NULL;
	unsigned char *b = malloc(n);
	if (b) {
		memcpy(b, p, n);
		*len = n;
	}
	return b;
}

/* A report is two rows: its plain columns in `reports` (narrow, so that the inbox's scans and
 * counts stay cheap) and its ciphertexts in `report_bodies`. */
#define REPORT_SELECT "SELECT r.id, r.number, r.category, r.kecamatan, r.status, r.created_on, " \
                      "r.ack_due, r.due, r.acked_on, r.closed_on, r.assignee, r.receipt_lookup, " \
                      "b.reporter_keys, b.content, b.identity, b.exclusions, r.org_key_id, "     \
                      "r.files, r.reporter_messages FROM reports r JOIN report_bodies b ON "     \
                      "b.report_id = r.id"

static void read_report(sqlite3_stmt *st, struct store_report *r)
{
	memset(r, 0, sizeof *r);
	copy_text(r->id, sizeof r->id, st, 0);
	copy_text(r->number, sizeof r->number, st, 1);
	copy_text(r->category, sizeof r->category, st, 2);
	copy_text(r->kecamatan, sizeof r->kecamatan, st, 3);
	copy_text(r->status, sizeof r->status, st, 4);
	copy_text(r->created_on, sizeof r->created_on, st, 5);
	copy_text(r->ack_due, sizeof r->ack_due, st, 6);
	copy_text(r->due, sizeof r->due, st, 7);
	copy_text(r->acked_on, sizeof r->acked_on, st, 8);
	copy_text(r->closed_on, sizeof r->closed_on, st, 9);
	copy_text(r->assignee, sizeof r->assignee, st, 10);
	copy_blob(r->receipt_lookup, sizeof r->receipt_lookup, st, 11);
	copy_blob(r->reporter_keys, sizeof r->reporter_keys, st, 12);
	r->content = dup_blob(st, 13, &r->content_len);
	r->has_identity = !is_null(st, 14);
	copy_blob(r->identity, sizeof r->identity, st, 14);
	r->exclusions = dup_blob(st, 15, &r->exclusions_len);
	copy_text(r->org_key_id, sizeof r->org_key_id, st, 16);
	r->files = sqlite3_column_int64(st, 17);
	r->reporter_messages = sqlite3_column_int64(st, 18);
}

void store_report_release(struct store_report *r)
{
	free(r->content);
	free(r->exclusions);
	r->content = r->exclusions = NULL;
}

static int sq_report_insert(void *cls, const struct store_report *r)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO reports (id, number, category, kecamatan, status, "
	                           "created_on, ack_due, due, acked_on, closed_on, assignee, "
	                           "receipt_lookup, org_key_id, files, reporter_messages) VALUES "
	                           "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->number);
	bind_text(st, 3, r->category);
	bind_text(st, 4, r->kecamatan);
	bind_text(st, 5, r->status);
	bind_text(st, 6, r->created_on);
	bind_text(st, 7, r->ack_due);
	bind_text(st, 8, r->due);
	bind_text(st, 9, r->acked_on);
	bind_text(st, 10, r->closed_on);
	if (r->assignee[0])
		bind_text(st, 11, r->assignee);
	bind_blob(st, 12, r->receipt_lookup, sizeof r->receipt_lookup);
	if (r->org_key_id[0])
		bind_text(st, 13, r->org_key_id);
	sqlite3_bind_int64(st, 14, r->files);
	sqlite3_bind_int64(st, 15, r->reporter_messages);
	int rc = run(q, st);
	if (rc != STORE_OK)
		return rc;
	if (!(st = stmt(q, "INSERT INTO report_bodies (report_id, reporter_keys, content, identity, "
	                   "exclusions) VALUES (?,?,?,?,?)")))
		return STORE_ERR;
	bind_text(st, 1, r->id);
	bind_blob(st, 2, r->reporter_keys, sizeof r->reporter_keys);
	bind_blob(st, 3, r->content, r->content_len);
	bind_opt_blob(st, 4, r->has_identity, r->identity, sizeof r->identity);
	bind_blob(st, 5, r->exclusions, r->exclusions_len);
	return run(q, st);
}

static int one_report(struct sq *q, sqlite3_stmt *st, struct store_report *out)
{
	if (!st)
		return STORE_ERR;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_report(st, out);
	return finish(q, st, rc, true);
}

static int sq_report_by_id(void *cls, const char *id, struct store_report *out)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, REPORT_SELECT " WHERE r.id = ?");
	if (st)
		bind_text(st, 1, id);
	return one_report(q, st, out);
}

static int sq_report_by_lookup(void *cls, const unsigned char lookup[32], struct store_report *out)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, REPORT_SELECT " WHERE r.receipt_lookup = ?");
	if (st)
		bind_blob(st, 1, lookup, 32);
	return one_report(q, st, out);
}

static int sq_report_by_number(void *cls, const char *number, struct store_report *out)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, REPORT_SELECT " WHERE r.number = ?");
	if (st)
		bind_text(st, 1, number);
	return one_report(q, st, out);
}

static int sq_report_count(void *cls, const char *id, int64_t files, int64_t reporter_messages)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE reports SET files = files + ?, "
	                           "reporter_messages = reporter_messages + ? "
	                           "WHERE id = ?");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, files);
	sqlite3_bind_int64(st, 2, reporter_messages);
	bind_text(st, 3, id);
	return run(q, st);
}

static int sq_case_number_next(void *cls, int year, int64_t *n)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO case_numbers (year, last) VALUES (?, 1) "
	                           "ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int(st, 1, year);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int r = rc == SQLITE_ROW ? STORE_OK : rc_of(q, rc);
	sqlite3_reset(st);
	return r;
}

static int sq_report_key_put(void *cls, const struct store_report_key *k)
{
	struct sq *q = cls;
	/* An upsert, not INSERT OR REPLACE, so the key_counts triggers see one insert or none. */
	sqlite3_stmt *st = stmt(q, "INSERT INTO report_keys (report_id, holder, holder_kind, k_report, "
	                           "k_notes, k_identity, how, since) VALUES (?,?,?,?,?,?,?,?) ON "
	                           "CONFLICT (report_id, holder) DO UPDATE SET holder_kind = "
	                           "excluded.holder_kind, k_report = excluded.k_report, k_notes = "
	                           "excluded.k_notes, k_identity = excluded.k_identity, how = "
	                           "excluded.how, since = excluded.since");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, k->report_id);
	bind_text(st, 2, k->holder);
	bind_text(st, 3, k->holder_kind);
	bind_blob(st, 4, k->k_report, sizeof k->k_report);
	bind_blob(st, 5, k->k_notes, sizeof k->k_notes);
	bind_opt_blob(st, 6, k->has_identity, k->k_identity, sizeof k->k_identity);
	bind_text(st, 7, k->how);
	sqlite3_bind_int64(st, 8, k->since);
	return run(q, st);
}

static int sq_message_insert(void *cls, const struct store_message *m)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO messages (id, report_id, author, author_id, at, seq, "
	                           "body) VALUES (?1, ?2, ?3, ?4, ?5, (SELECT coalesce(max(seq), 0) + 1 "
	                           "FROM messages WHERE report_id = ?2), ?6)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, m->id);
	bind_text(st, 2, m->report_id);
	bind_text(st, 3, m->author);
	bind_text(st, 4, m->author_id);
	sqlite3_bind_int64(st, 5, m->at);
	bind_blob(st, 6, m->body, m->body_len);
	return run(q, st);
}

static int sq_messages_each(void *cls, const char *report_id, store_message_cb cb, void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT id, report_id, author, author_id, at, seq, body FROM "
	                           "messages WHERE report_id = ? ORDER BY seq");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, report_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_message m = { 0 };
		copy_text(m.id, sizeof m.id, st, 0);
		copy_text(m.report_id, sizeof m.report_id, st, 1);
		copy_text(m.author, sizeof m.author, st, 2);
		copy_text(m.author_id, sizeof m.author_id, st, 3);
		m.at = sqlite3_column_int64(st, 4);
		m.seq = sqlite3_column_int64(st, 5);
		m.body = (unsigned char *)sqlite3_column_blob(st, 6);
		m.body_len = (size_t)sqlite3_column_bytes(st, 6);
		if (cb(arg, &m) != 0)
			break;
	}
	return finish(q, st, rc, false);
}

static int sq_file_insert(void *cls, const struct store_file *f)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO files (id, staged_at, added_by, stream_key, header) "
	                           "VALUES (?,?,?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, f->id);
	sqlite3_bind_int64(st, 2, f->staged_at);
	bind_text(st, 3, f->added_by);
	bind_blob(st, 4, f->stream_key, sizeof f->stream_key);
	bind_blob(st, 5, f->header, sizeof f->header);
	return run(q, st);
}

static int sq_file_chunk_put(void *cls, const char *file_id, int64_t seq, const unsigned char *data,
                             size_t len)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO file_chunks (file_id, seq, data) VALUES (?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, file_id);
	sqlite3_bind_int64(st, 2, seq);
	bind_blob(st, 3, data, len);
	return run(q, st);
}

static int sq_file_touch(void *cls, const char *file_id, int64_t at)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE files SET staged_at = ? WHERE id = ? AND report_id IS NULL");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, at);
	bind_text(st, 2, file_id);
	return run(q, st);
}

static int sq_file_finish(void *cls, const struct store_file *f)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE files SET size = ?, chunks = ?, meta = ? WHERE id = ?");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, f->size);
	sqlite3_bind_int64(st, 2, f->chunks);
	bind_blob(st, 3, f->meta, f->meta_len);
	bind_text(st, 4, f->id);
	return run(q, st);
}

static int sq_file_attach(void *cls, const char *file_id, const char *report_id, int64_t added_at)
{
	struct sq *q = cls;
	/* staged_at loses its exact second too: only the hour of a reporter's act is kept. */
	sqlite3_stmt *st = stmt(q, "UPDATE files SET report_id = ?1, added_at = ?2, staged_at = ?2 "
	                           "WHERE id = ?3 AND report_id IS NULL AND meta IS NOT NULL");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, report_id);
	sqlite3_bind_int64(st, 2, added_at);
	bind_text(st, 3, file_id);
	int rc = run(q, st);
	if (rc == STORE_OK && sqlite3_changes(conn_get(q)->db) != 1)
		return STORE_NONE; /* swept meanwhile, or never finished */
	return rc;
}

#define FILE_COLS "id, coalesce(report_id, ''), staged_at, added_at, added_by, size, chunks, " \
                  "stream_key, header, meta"

/* A row of FILE_COLS; `own`: meta copied (free it), else borrowed from the statement. */
static void read_file(sqlite3_stmt *st, struct store_file *f, bool own)
{
	memset(f, 0, sizeof *f);
	copy_text(f->id, sizeof f->id, st, 0);
	copy_text(f->report_id, sizeof f->report_id, st, 1);
	f->staged_at = sqlite3_column_int64(st, 2);
	f->added_at = sqlite3_column_int64(st, 3);
	copy_text(f->added_by, sizeof f->added_by, st, 4);
	f->size = sqlite3_column_int64(st, 5);
	f->chunks = sqlite3_column_int64(st, 6);
	copy_blob(f->stream_key, sizeof f->stream_key, st, 7);
	copy_blob(f->header, sizeof f->header, st, 8);
	if (own) {
		f->meta = dup_blob(st, 9, &f->meta_len);
	} else {
		f->meta = (unsigned char *)sqlite3_column_blob(st, 9);
		f->meta_len = (size_t)sqlite3_column_bytes(st, 9);
	}
}

static int sq_files_each(void *cls, const char *report_id, store_file_cb cb, void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT " FILE_COLS " FROM files WHERE report_id = ? "
	                           "ORDER BY added_at, rowid"); /* rowid: the order they arrived */
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, report_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_file f;
		read_file(st, &f, false);
		if (cb(arg, &f) != 0)
			break;
	}
	return finish(q, st, rc, false);
}

static int sq_file_chunks_each(void *cls, const char *file_id, store_chunk_cb cb, void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT seq, data FROM file_chunks WHERE file_id = ? ORDER BY seq");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, file_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
		       (size_t)sqlite3_column_bytes(st, 1)) != 0)
			break;
	return finish(q, st, rc, false);
}

static int sq_files_sweep(void *cls, int64_t before, int64_t *n)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "DELETE FROM files WHERE report_id IS NULL AND staged_at < ?");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, before);
	int rc = run(q, st);
	*n = rc == STORE_OK ? sqlite3_changes(conn_get(q)->db) : 0;
	return rc;
}

static int sq_event_insert(void *cls, const struct store_event *e)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO report_events (id, report_id, seq, at, status, "
	                           "actor_id, reason, internal) VALUES (?1, ?2, (SELECT coalesce("
	                           "max(seq), 0) + 1 FROM report_events WHERE report_id = ?2), ?3, ?4, "
	                           "?5, ?6, ?7)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, e->id);
	bind_text(st, 2, e->report_id);
	sqlite3_bind_int64(st, 3, e->at);
	bind_text(st, 4, e->status);
	bind_text(st, 5, e->actor_id);
	bind_opt_blob(st, 6, e->reason != NULL, e->reason, e->reason_len);
	bind_opt_blob(st, 7, e->internal != NULL, e->internal, e->internal_len);
	return run(q, st);
}

static int sq_events_each(void *cls, const char *report_id, store_event_cb cb, void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT id, report_id, seq, at, status, actor_id, reason, internal "
	                           "FROM report_events WHERE report_id = ? ORDER BY seq");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, report_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_event e = { 0 };
		copy_text(e.id, sizeof e.id, st, 0);
		copy_text(e.report_id, sizeof e.report_id, st, 1);
		e.seq = sqlite3_column_int64(st, 2);
		e.at = sqlite3_column_int64(st, 3);
		copy_text(e.status, sizeof e.status, st, 4);
		copy_text(e.actor_id, sizeof e.actor_id, st, 5);
		e.reason = (unsigned char *)sqlite3_column_blob(st, 6);
		e.reason_len = (size_t)sqlite3_column_bytes(st, 6);
		e.internal = (unsigned char *)sqlite3_column_blob(st, 7);
		e.internal_len = (size_t)sqlite3_column_bytes(st, 7);
		if (cb(arg, &e) != 0)
			break;
	}
	return finish(q, st, rc, false);
}

static int sq_reporter_session_insert(void *cls, const unsigned char lookup[32],
                                      const char *report_id, int64_t now,
                                      const unsigned char *secrets, size_t len)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO reporter_sessions (lookup, report_id, last_seen, "
	                           "secrets) VALUES (?,?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_blob(st, 1, lookup, 32);
	bind_text(st, 2, report_id);
	sqlite3_bind_int64(st, 3, now);
	bind_blob(st, 4, secrets, len);
	return run(q, st);
}

static int sq_reporter_session_get(void *cls, const unsigned char lookup[32],
                                   char report_id[ID_CHARS + 1], int64_t *last_seen,
                                   unsigned char *secrets, size_t len)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT report_id, last_seen, secrets FROM reporter_sessions "
	                           "WHERE lookup = ?");
	if (!st)
		return STORE_ERR;
	bind_blob(st, 1, lookup, 32);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		copy_text(report_id, ID_CHARS + 1, st, 0);
		*last_seen = sqlite3_column_int64(st, 1);
		copy_blob(secrets, len, st, 2);
	}
	return finish(q, st, rc, true);
}

static int sq_reporter_session_touch(void *cls, const unsigned char lookup[32], int64_t now)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE reporter_sessions SET last_seen = ? WHERE lookup = ?");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, now);
	bind_blob(st, 2, lookup, 32);
	return run(q, st);
}

static int sq_reporter_session_delete(void *cls, const unsigned char lookup[32])
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "DELETE FROM reporter_sessions WHERE lookup = ?");
	if (!st)
		return STORE_ERR;
	bind_blob(st, 1, lookup, 32);
	return run(q, st);
}

static int sq_reporter_session_purge(void *cls, int64_t idle_before)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "DELETE FROM reporter_sessions WHERE last_seen < ?");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, idle_before);
	return run(q, st);
}

/* ---- audit ---- */

static int sq_audit_head(void *cls, int64_t *seq, unsigned char hash[32])
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
	if (!st)
		return STORE_ERR;
	int rc = sqlite3_step(st);
	*seq = 0;
	memset(hash, 0, 32);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		copy_blob(hash, 32, st, 1);
	}
	return finish(q, st, rc, false);
}

static int sq_audit_insert(void *cls, const struct store_audit *e)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO audit (seq, at, actor_id, actor, action, subject, "
	                           "detail, prev, hash) VALUES (?,?,?,?,?,?,?,?,?)");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, e->seq);
	sqlite3_bind_int64(st, 2, e->at);
	bind_text(st, 3, e->actor_id);
	bind_text(st, 4, e->actor);
	bind_text(st, 5, e->action);
	bind_text(st, 6, e->subject);
	bind_text(st, 7, e->detail);
	bind_blob(st, 8, e->prev, sizeof e->prev);
	bind_blob(st, 9, e->hash, sizeof e->hash);
	return run(q, st);
}

#define AUDIT_COLS "seq, at, actor_id, actor, action, subject, detail, prev, hash"

static void read_audit(sqlite3_stmt *st, struct store_audit *e)
{
	e->seq = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	copy_text(e->actor_id, sizeof e->actor_id, st, 2);
	copy_text(e->actor, sizeof e->actor, st, 3);
	copy_text(e->action, sizeof e->action, st, 4);
	copy_text(e->subject, sizeof e->subject, st, 5);
	copy_text(e->detail, sizeof e->detail, st, 6);
	copy_blob(e->prev, sizeof e->prev, st, 7);
	copy_blob(e->hash, sizeof e->hash, st, 8);
}

static int each_audit(struct sq *q, sqlite3_stmt *st, store_audit_cb cb, void *arg)
{
	if (!st)
		return STORE_ERR;
	struct store_audit e;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_audit(st, &e);
		if (cb(arg, &e) != 0)
			break;
	}
	return finish(q, st, rc, false);
}

static int sq_audit_each(void *cls, store_audit_cb cb, void *arg)
{
	struct sq *q = cls;
	return each_audit(q, stmt(q, "SELECT " AUDIT_COLS " FROM audit ORDER BY seq"), cb, arg);
}

/* The filter's WHERE clause binds: ?1 actor, ?2 action, ?3 subject, ?4 from, ?5 to. */
#define AUDIT_WHERE " WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR action = ?2) AND " \
                    "(?3 IS NULL OR subject = ?3) AND (?4 IS NULL OR at >= ?4) AND "       \
                    "(?5 IS NULL OR at <= ?5)"

static void bind_filter(sqlite3_stmt *st, const struct store_audit_filter *f)
{
	if (f->actor)
		bind_text(st, 1, f->actor);
	if (f->action)
		bind_text(st, 2, f->action);
	if (f->subject)
		bind_text(st, 3, f->subject);
	if (f->from)
		sqlite3_bind_int64(st, 4, f->from);
	if (f->to)
		sqlite3_bind_int64(st, 5, f->to);
}

static int sq_audit_page(void *cls, const struct store_audit_filter *f, int64_t offset,
                         int64_t limit, store_audit_cb cb, void *arg, int64_t *total)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT count(*) FROM audit" AUDIT_WHERE);
	if (!st)
		return STORE_ERR;
	bind_filter(st, f);
	int rc = sqlite3_step(st);
	*total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc_of(q, rc);
	st = stmt(q, "SELECT " AUDIT_COLS " FROM audit" AUDIT_WHERE
	             " ORDER BY seq DESC LIMIT ?6 OFFSET ?7");
	if (!st)
		return STORE_ERR;
	bind_filter(st, f);
	sqlite3_bind_int64(st, 6, limit);
	sqlite3_bind_int64(st, 7, offset);
	return each_audit(q, st, cb, arg);
}

static int sq_audit_sig_insert(void *cls, const struct store_audit_sig *s)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT OR REPLACE INTO audit_sigs (seq, signer_id, signed_at, sig) "
	                           "VALUES (?,?,?,?)");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_int64(st, 1, s->seq);
	bind_text(st, 2, s->signer_id);
	sqlite3_bind_int64(st, 3, s->signed_at);
	bind_blob(st, 4, s->sig, sizeof s->sig);
	return run(q, st);
}

static int sq_audit_sig_each(void *cls, store_audit_sig_cb cb, void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT seq, signer_id, signed_at, sig FROM audit_sigs ORDER BY seq");
	if (!st)
		return STORE_ERR;
	struct store_audit_sig s;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s.seq = sqlite3_column_int64(st, 0);
		copy_text(s.signer_id, sizeof s.signer_id, st, 1);
		s.signed_at = sqlite3_column_int64(st, 2);
		copy_blob(s.sig, sizeof s.sig, st, 3);
		if (cb(arg, &s) != 0)
			break;
	}
	return finish(q, st, rc, false);
}

static int sq_audit_last_signed(void *cls, bool server, int64_t *seq)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, server ? "SELECT max(seq) FROM audit_sigs WHERE signer_id = ''"
	                                  : "SELECT max(seq) FROM audit_sigs WHERE signer_id <> ''");
	if (!st)
		return STORE_ERR;
	int rc = sqlite3_step(st);
	*seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc_of(q, rc);
}

static int sq_audit_pending_insert(void *cls, const char *action, const char *subject)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO audit_pending (action, subject) VALUES (?,?)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, action);
	bind_text(st, 2, subject);
	return run(q, st);
}

static int sq_audit_pending_take(void *cls, store_pending_cb cb, void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT action, subject FROM audit_pending");
	if (!st)
		return STORE_ERR;
	int rc, r = STORE_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = cb(arg, (const char *)sqlite3_column_text(st, 0),
		            (const char *)sqlite3_column_text(st, 1))) != STORE_OK)
			break;
	sqlite3_reset(st);
	if (r != STORE_OK)
		return r;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc_of(q, rc);
	return run(q, stmt(q, "DELETE FROM audit_pending"));
}

/* ---- case handling ---- */

#define FINAL_STATUSES "('forwarded','closed_substantiated','closed_unsubstantiated','rejected')"
/* Past a deadline not met (API.md "Deadlines"); ?7 is today's WIB date. */
#define OVERDUE_SQL "((r.status = 'received' AND r.ack_due < ?7) OR (r.status NOT IN " \
                    FINAL_STATUSES " AND r.due < ?7))"

/* Appends to a fixed buffer (the inbox query is assembled from known pieces only). */
static void cat(char *buf, size_t len, const char *piece)
{
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "%s", piece);
}

/* The parameters of every inbox query: ?1 user, ?2 status, ?3 category, ?4 kecamatan,
 * ?5 assignee, ?6 number, ?7 today, ?8 limit, ?9 offset. A parameter the query does not use
 * is simply not bound. */
static void bind_inbox(sqlite3_stmt *st, const struct store_inbox_filter *f)
{
	int n = sqlite3_bind_parameter_count(st);
	const char *v[] = { f->user_id, f->status, f->category, f->kecamatan, f->assignee, f->number,
	                    f->today };
	for (int i = 0; i < 7 && i < n; i++)
		if (v[i])
			bind_text(st, i + 1, v[i]);
}

/* Filters as SQL over `r` (reports), each only when set. */
static void inbox_where(char *sql, size_t len, const struct store_inbox_filter *f)
{
	if (f->status)
		cat(sql, len, " AND r.status = ?2");
	if (f->category)
		cat(sql, len, " AND r.category = ?3");
	if (f->kecamatan)
		cat(sql, len, " AND r.kecamatan = ?4");
	if (f->assignee)
		cat(sql, len, " AND r.assignee = ?5");
	if (f->number)
		cat(sql, len, " AND r.number = ?6");
	if (f->overdue)
		cat(sql, len, " AND " OVERDUE_SQL);
	else if (f->today)
		cat(sql, len, " AND ?7 IS NOT NULL"); /* keeps ?7 bound the same way */
}

static sqlite3_stmt *prepare_once(struct sq *q, const char *sql)
{
	struct conn *c = conn_get(q);
	sqlite3_stmt *st = NULL;
	if (c && sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_error("sqlite: prepare: %s", sqlite3_errmsg(c->db));
		st = NULL;
	}
	return st;
}

/* How many report keys a reader holds, and how many reports there are. A reader who holds a
 * key of every report (the usual case: routing seals each report to every reader) needs no
 * key probed at all; one who holds few walks their keys; otherwise the reports are walked in
 * the order asked, probing the key. held is kept by triggers (key_counts); reports are never
 * deleted, so max(rowid) is their number (were one deleted, held == all would only turn
 * false: a slower plan, never a wrong one). */
static int reader_scope(struct sq *q, const char *user_id, int64_t *held, int64_t *all)
{
	sqlite3_stmt *st = stmt(q, "SELECT coalesce((SELECT n FROM key_counts WHERE holder = ?1), 0), "
	                           "(SELECT coalesce(max(rowid), 0) FROM reports)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, user_id);
	int rc = sqlite3_step(st);
	*held = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*all = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	return finish(q, st, rc, false);
}

static int inbox_page_in(void *cls, const struct store_inbox_filter *f, int64_t offset,
                         int64_t limit, store_inbox_cb cb, void *arg, int64_t *total)
{
	struct sq *q = cls;
	int64_t held, all;
	int rc = reader_scope(q, f->user_id, &held, &all);
	if (rc != STORE_OK)
		return rc;
	const char *from = held == all ? " FROM reports r WHERE ?1 IS NOT NULL"
	                 : held * 4 < all
		? " FROM report_keys k CROSS JOIN reports r ON r.id = k.report_id WHERE k.holder = ?1"
		: " FROM reports r WHERE EXISTS (SELECT 1 FROM report_keys k WHERE k.report_id = r.id "
		  "AND k.holder = ?1)";
	sqlite3_stmt *st;
	char where[1024] = "";
	inbox_where(where, sizeof where, f);
	bool filtered = f->status || f->category || f->kecamatan || f->assignee || f->number ||
	                f->overdue;

	char sql[2048];
	if (!filtered) {
		*total = held;
	} else {
		snprintf(sql, sizeof sql, "SELECT count(*)%s%s", from, where);
		if (!(st = prepare_once(q, sql)))
			return STORE_ERR;
		bind_inbox(st, f);
		rc = sqlite3_step(st);
		*total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		rc = rc == SQLITE_ROW ? STORE_OK : rc_of(q, rc);
		sqlite3_finalize(st);
		if (rc != STORE_OK)
			return rc;
	}
	/* Overdue reports are found through the deadline indexes and then sorted ("+" keeps the
	 * planner from walking every report in number order to find a few late ones). */
	const char *order = f->sort == INBOX_OLDEST ? (f->overdue ? " ORDER BY +r.number"
	                                                          : " ORDER BY r.number")
	                  : f->sort == INBOX_DUE ? " ORDER BY r.due, r.number"
	                  : f->overdue ? " ORDER BY +r.number DESC" : " ORDER BY r.number DESC";
	snprintf(sql, sizeof sql,
	         "SELECT r.id, r.number, r.category, r.status, r.created_on, r.ack_due, r.due, "
	         "r.acked_on, r.closed_on, coalesce(r.assignee, ''), coalesce((SELECT name FROM users "
	         "WHERE id = r.assignee), ''), r.files, r.reporter_messages - coalesce((SELECT "
	         "messages FROM report_seen WHERE report_id = r.id AND user_id = ?1), 0)%s%s%s "
	         "LIMIT ?8 OFFSET ?9", from, where, order);
	if (!(st = prepare_once(q, sql)))
		return STORE_ERR;
	bind_inbox(st, f);
	sqlite3_bind_int64(st, 8, limit);
	sqlite3_bind_int64(st, 9, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_inbox_item it;
		copy_text(it.id, sizeof it.id, st, 0);
		copy_text(it.number, sizeof it.number, st, 1);
		copy_text(it.category, sizeof it.category, st, 2);
		copy_text(it.status, sizeof it.status, st, 3);
		copy_text(it.created_on, sizeof it.created_on, st, 4);
		copy_text(it.ack_due, sizeof it.ack_due, st, 5);
		copy_text(it.due, sizeof it.due, st, 6);
		copy_text(it.acked_on, sizeof it.acked_on, st, 7);
		copy_text(it.closed_on, sizeof it.closed_on, st, 8);
		copy_text(it.assignee, sizeof it.assignee, st, 9);
		copy_text(it.assignee_name, sizeof it.assignee_name, st, 10);
		it.files = sqlite3_column_int64(st, 11);
		it.unread = sqlite3_column_int64(st, 12);
		if (cb(arg, &it) != 0)
			break;
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : rc_of(q, rc);
	sqlite3_finalize(st);
	return rc;
}

static int inbox_counts_in(void *cls, const char *user_id, const char *today, store_count_cb cb,
                           void *arg)
{
	struct sq *q = cls;
	int64_t held, all;
	int rc = reader_scope(q, user_id, &held, &all);
	if (rc != STORE_OK)
		return rc;
	sqlite3_stmt *st = held == all
		? stmt(q, "SELECT r.status, count(*), sum(" OVERDUE_SQL ") FROM reports r WHERE ?1 IS "
		          "NOT NULL GROUP BY r.status")
		: stmt(q, "SELECT r.status, count(*), sum(" OVERDUE_SQL ") FROM report_keys k CROSS "
		          "JOIN reports r ON r.id = k.report_id WHERE k.holder = ?1 GROUP BY r.status");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, user_id);
	bind_text(st, 7, today);
	int64_t overdue = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		overdue += sqlite3_column_int64(st, 2);
		if (cb(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1)) != 0)
			break;
	}
	if ((rc = finish(q, st, rc, false)) != STORE_OK)
		return rc;
	return cb(arg, "overdue", overdue) == 0 ? STORE_OK : STORE_ERR;
}

/* The inbox reads the reader's key count and then the reports in one read transaction (one
 * WAL snapshot), so a report filed in between (perhaps not sealed to this reader) cannot slip
 * into a plan that trusts the count. A deferred BEGIN takes no write lock. */
static int read_begin(struct sq *q)
{
	struct conn *c = conn_get(q);
	return c && exec(c->db, "BEGIN") == SQLITE_OK ? STORE_OK : STORE_ERR;
}

static int read_end(struct sq *q, int rc)
{
	struct conn *c = conn_get(q);
	if (c && exec(c->db, rc == STORE_OK ? "COMMIT" : "ROLLBACK") != SQLITE_OK && rc == STORE_OK)
		rc = STORE_ERR;
	return rc;
}

static int sq_inbox_page(void *cls, const struct store_inbox_filter *f, int64_t offset,
                         int64_t limit, store_inbox_cb cb, void *arg, int64_t *total)
{
	int rc = read_begin(cls);
	if (rc == STORE_OK)
		rc = read_end(cls, inbox_page_in(cls, f, offset, limit, cb, arg, total));
	return rc;
}

static int sq_inbox_counts(void *cls, const char *user_id, const char *today, store_count_cb cb,
                           void *arg)
{
	int rc = read_begin(cls);
	if (rc == STORE_OK)
		rc = read_end(cls, inbox_counts_in(cls, user_id, today, cb, arg));
	return rc;
}

static int sq_report_update(void *cls, const struct store_report *r)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE reports SET status = ?, acked_on = ?, closed_on = ?, "
	                           "assignee = ? WHERE id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, r->status);
	bind_text(st, 2, r->acked_on);
	bind_text(st, 3, r->closed_on);
	if (r->assignee[0])
		bind_text(st, 4, r->assignee);
	bind_text(st, 5, r->id);
	return run(q, st);
}

static int sq_report_seen(void *cls, const char *report_id, const char *user_id, int64_t messages)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO report_seen (report_id, user_id, messages) VALUES "
	                           "(?1, ?2, ?3) ON CONFLICT (report_id, user_id) DO UPDATE SET "
	                           "messages = ?3 WHERE messages <> ?3");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, report_id);
	bind_text(st, 2, user_id);
	sqlite3_bind_int64(st, 3, messages);
	return run(q, st);
}

static void read_report_key(sqlite3_stmt *st, struct store_report_key *k)
{
	memset(k, 0, sizeof *k);
	copy_text(k->report_id, sizeof k->report_id, st, 0);
	copy_text(k->holder, sizeof k->holder, st, 1);
	copy_text(k->holder_kind, sizeof k->holder_kind, st, 2);
	copy_blob(k->k_report, sizeof k->k_report, st, 3);
	copy_blob(k->k_notes, sizeof k->k_notes, st, 4);
	k->has_identity = !is_null(st, 5);
	copy_blob(k->k_identity, sizeof k->k_identity, st, 5);
	copy_text(k->how, sizeof k->how, st, 6);
	k->since = sqlite3_column_int64(st, 7);
}

#define REPORT_KEY_COLS "report_id, holder, holder_kind, k_report, k_notes, k_identity, how, since"

static int sq_report_key_get(void *cls, const char *report_id, const char *holder,
                             struct store_report_key *out)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT " REPORT_KEY_COLS " FROM report_keys WHERE report_id = ? "
	                           "AND holder = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, report_id);
	bind_text(st, 2, holder);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_report_key(st, out);
	return finish(q, st, rc, true);
}

static int sq_report_keys_each(void *cls, const char *report_id,
                               int (*cb)(void *arg, const struct store_report_key *k), void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT " REPORT_KEY_COLS " FROM report_keys WHERE report_id = ? "
	                           "ORDER BY since, rowid");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, report_id);
	int rc;
	struct store_report_key k;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_report_key(st, &k);
		if (cb(arg, &k) != 0)
			break;
	}
	return finish(q, st, rc, false);
}

static int sq_note_insert(void *cls, const struct store_note *n)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO notes (id, report_id, author_id, at, body) VALUES "
	                           "(?,?,?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, n->id);
	bind_text(st, 2, n->report_id);
	bind_text(st, 3, n->author_id);
	sqlite3_bind_int64(st, 4, n->at);
	bind_blob(st, 5, n->body, n->body_len);
	return run(q, st);
}

static int sq_notes_each(void *cls, const char *report_id, store_note_cb cb, void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT id, report_id, author_id, at, body FROM notes WHERE "
	                           "report_id = ? ORDER BY at, rowid");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, report_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_note n = { 0 };
		copy_text(n.id, sizeof n.id, st, 0);
		copy_text(n.report_id, sizeof n.report_id, st, 1);
		copy_text(n.author_id, sizeof n.author_id, st, 2);
		n.at = sqlite3_column_int64(st, 3);
		n.body = sqlite3_column_blob(st, 4);
		n.body_len = (size_t)sqlite3_column_bytes(st, 4);
		if (cb(arg, &n) != 0)
			break;
	}
	return finish(q, st, rc, false);
}

static int sq_idreq_insert(void *cls, const struct store_idreq *r)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "INSERT INTO identity_requests (id, report_id, requester_id, at, "
	                           "reason, state) VALUES (?,?,?,?,?,?)");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, r->id);
	bind_text(st, 2, r->report_id);
	bind_text(st, 3, r->requester_id);
	sqlite3_bind_int64(st, 4, r->at);
	bind_blob(st, 5, r->reason, r->reason_len);
	bind_text(st, 6, r->state);
	return run(q, st);
}

static int sq_idreq_update(void *cls, const struct store_idreq *r)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "UPDATE identity_requests SET state = ?, decided_by = ?, "
	                           "decided_at = ?, decision = ? WHERE id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, r->state);
	if (r->decided_by[0])
		bind_text(st, 2, r->decided_by);
	sqlite3_bind_int64(st, 3, r->decided_at);
	bind_opt_blob(st, 4, r->decision != NULL, r->decision, r->decision_len);
	bind_text(st, 5, r->id);
	return run(q, st);
}

#define IDREQ_COLS "i.id, i.report_id, r.number, i.requester_id, i.at, i.state, " \
                   "coalesce(i.decided_by, ''), i.decided_at, i.reason, i.decision"

static void read_idreq(sqlite3_stmt *st, struct store_idreq *r, bool blobs)
{
	memset(r, 0, sizeof *r);
	copy_text(r->id, sizeof r->id, st, 0);
	copy_text(r->report_id, sizeof r->report_id, st, 1);
	copy_text(r->number, sizeof r->number, st, 2);
	copy_text(r->requester_id, sizeof r->requester_id, st, 3);
	r->at = sqlite3_column_int64(st, 4);
	copy_text(r->state, sizeof r->state, st, 5);
	copy_text(r->decided_by, sizeof r->decided_by, st, 6);
	r->decided_at = sqlite3_column_int64(st, 7);
	if (blobs) {
		r->reason = sqlite3_column_blob(st, 8);
		r->reason_len = (size_t)sqlite3_column_bytes(st, 8);
		r->decision = sqlite3_column_blob(st, 9);
		r->decision_len = (size_t)sqlite3_column_bytes(st, 9);
	}
}

static int sq_idreq_get(void *cls, const char *id, struct store_idreq *out)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT " IDREQ_COLS " FROM identity_requests i JOIN reports r "
	                           "ON r.id = i.report_id WHERE i.id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_idreq(st, out, false);
	return finish(q, st, rc, true);
}

static int sq_idreqs_each(void *cls, const char *report_id, const char *state, store_idreq_cb cb,
                          void *arg)
{
	struct sq *q = cls;
	/* Requests first (CROSS JOIN keeps them the outer loop): there are few of them, and
	 * walking 100,000 reports to find them would cost a case page tens of milliseconds. */
	sqlite3_stmt *st = report_id
		? stmt(q, "SELECT " IDREQ_COLS " FROM identity_requests i CROSS JOIN reports r ON "
		          "r.id = i.report_id WHERE i.report_id = ?1 AND (?2 IS NULL OR i.state = ?2) "
		          "ORDER BY i.at DESC, i.rowid DESC")
		: stmt(q, "SELECT " IDREQ_COLS " FROM identity_requests i CROSS JOIN reports r ON "
		          "r.id = i.report_id WHERE ?1 IS NULL AND (?2 IS NULL OR i.state = ?2) "
		          "ORDER BY i.at DESC, i.rowid DESC");
	if (!st)
		return STORE_ERR;
	if (report_id)
		bind_text(st, 1, report_id);
	if (state)
		bind_text(st, 2, state);
	int rc;
	struct store_idreq r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_idreq(st, &r, true);
		if (cb(arg, &r) != 0)
			break;
	}
	return finish(q, st, rc, false);
}

static int sq_file_get(void *cls, const char *file_id, struct store_file *f)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT " FILE_COLS " FROM files WHERE id = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, file_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_file(st, f, true);
	return finish(q, st, rc, true);
}

static int sq_file_chunk_get(void *cls, const char *file_id, int64_t seq, unsigned char *buf,
                             size_t cap, size_t *len)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT data FROM file_chunks WHERE file_id = ? AND seq = ?");
	if (!st)
		return STORE_ERR;
	bind_text(st, 1, file_id);
	sqlite3_bind_int64(st, 2, seq);
	int rc = sqlite3_step(st);
	*len = 0;
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		if (n > cap) {
			sqlite3_reset(st);
			return STORE_ERR;
		}
		if (n)
			memcpy(buf, sqlite3_column_blob(st, 0), n);
		*len = n;
	}
	return finish(q, st, rc, true);
}

static int sq_audit_subject_each(void *cls, const char *subject, store_audit_cb cb, void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = stmt(q, "SELECT " AUDIT_COLS " FROM audit WHERE subject = ? ORDER BY seq");
	if (st)
		bind_text(st, 1, subject);
	return each_audit(q, st, cb, arg);
}

/* ANALYZE looking at no more than 1000 rows per index: milliseconds, even at 100,000 reports,
 * and enough for the planner to prefer the selective index (status) over a broad one. */
static void sq_optimize(void *cls)
{
	struct conn *c = conn_get(cls);
	if (c && exec(c->db, "PRAGMA analysis_limit=1000; ANALYZE;") != SQLITE_OK)
		log_error("sqlite: ANALYZE failed");
}

/* ---- whole-instance copy (the source side) ---- */

/* Whether a table is WITHOUT ROWID (report_seen): no order of arrival to keep, and no rowid
 * to order by. */
static bool without_rowid(struct conn *c, const char *table)
{
	sqlite3_stmt *st;
	if (!c || sqlite3_prepare_v2(c->db, "SELECT wr FROM pragma_table_list WHERE name = ?", -1,
	                             &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	bool wr = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return wr;
}

/* Built SQL for a table of store_tables (its rows, or their count), prepared for this call. */
static sqlite3_stmt *table_stmt(struct sq *q, bool count, const struct store_table *t)
{
	struct conn *c = conn_get(q);
	char sql[1024];
	sqlite3_stmt *st = NULL;
	if (count)
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", t->name);
	else
		snprintf(sql, sizeof sql, "SELECT %s FROM %s%s", t->cols, t->name,
		         without_rowid(c, t->name) ? "" : " ORDER BY rowid");
	if (c && sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		log_error("sqlite: prepare: %s", sqlite3_errmsg(c->db));
	return st;
}

/* In rowid order: the order of arrival, which the target's own ids then keep. */
static int sq_table_each(void *cls, const struct store_table *t, store_row_cb cb, void *arg)
{
	struct sq *q = cls;
	sqlite3_stmt *st = table_stmt(q, false, t);
	struct store_value row[32];
	if (!st || t->ncols > 32) {
		sqlite3_finalize(st);
		return STORE_ERR;
	}
	int rc, r = STORE_OK;
	while (r == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < t->ncols; i++) {
			struct store_value *v = &row[i];
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				*v = (struct store_value){ .type = STORE_V_INT, .i = sqlite3_column_int64(st, i) };
				break;
			case SQLITE_TEXT:
				v->type = STORE_V_TEXT;
				v->p = sqlite3_column_text(st, i);
				v->len = (size_t)sqlite3_column_bytes(st, i);
				break;
			case SQLITE_BLOB:
				v->type = STORE_V_BLOB;
				v->p = sqlite3_column_blob(st, i);
				v->len = (size_t)sqlite3_column_bytes(st, i);
				break;
			default:
				*v = (struct store_value){ .type = STORE_V_NULL };
			}
		}
		r = cb(arg, row);
	}
	if (r == STORE_OK && rc != SQLITE_DONE)
		r = rc_of(q, rc);
	sqlite3_finalize(st);
	return r;
}

static int sq_table_count(void *cls, const struct store_table *t, int64_t *n)
{
	struct sq *q = cls;
	sqlite3_stmt *st = table_stmt(q, true, t);
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int r = rc == SQLITE_ROW ? STORE_OK : rc_of(q, rc);
	sqlite3_finalize(st);
	return r;
}

static void sq_close(struct store *s)
{
	struct sq *q = (struct sq *)s;
	conn_free(pthread_getspecific(q->key));
	pthread_setspecific(q->key, NULL);
	pthread_key_delete(q->key);
	free(q);
}

struct store *store_sqlite_open(const char *path, bool create, char *err, size_t errlen)
{
	struct sq *q = calloc(1, sizeof *q);
	if (!q || snprintf(q->path, sizeof q->path, "%s", path) >= (int)sizeof q->path ||
	    pthread_key_create(&q->key, conn_free) != 0) {
		snprintf(err, errlen, "out of memory or path too long");
		free(q);
		return NULL;
	}
	/* Open this thread's connection now, so a missing or broken database fails early. */
	struct conn *c = conn_open(q, create, err, errlen);
	if (!c) {
		pthread_key_delete(q->key);
		free(q);
		return NULL;
	}
	pthread_setspecific(q->key, c);
	q->store = (struct store){
		.cls = q,
		.backend = "sqlite",
		.migrate = sq_migrate,
		.schema_check = sq_schema_check,
		.ping = sq_ping,
		.begin = sq_begin,
		.commit = sq_commit,
		.rollback = sq_rollback,
		.durable = sq_durable,
		.user_insert = sq_user_insert,
		.user_by_username = sq_user_by_username,
		.user_by_id = sq_user_by_id,
		.user_list = sq_user_list,
		.readers = sq_readers,
		.users_pending = sq_users_pending,
		.users_unconfirm_signed_by = sq_users_unconfirm_signed_by,
		.user_update = sq_user_update,
		.sessions_delete_user = sq_sessions_delete_user,
		.org_key_current = sq_org_key_current,
		.org_key_insert = sq_org_key_insert,
		.org_key_retire = sq_org_key_retire,
		.org_copy_put = sq_org_copy_put,
		.org_copy_get = sq_org_copy_get,
		.org_copy_holders = sq_org_copy_holders,
		.key_copies_delete_user = sq_key_copies_delete_user,
		.org_key_retired_in_use = sq_org_key_retired_in_use,
		.org_key_delete = sq_org_key_delete,
		.report_keys_of = sq_report_keys_of,
		.report_key_delete = sq_report_key_delete,
		.report_set_org_key = sq_report_set_org_key,
		.setting_get = sq_setting_get,
		.setting_put = sq_setting_put,
		.session_insert = sq_session_insert,
		.session_get = sq_session_get,
		.session_touch = sq_session_touch,
		.session_delete = sq_session_delete,
		.session_purge = sq_session_purge,
		.report_insert = sq_report_insert,
		.report_by_id = sq_report_by_id,
		.report_by_lookup = sq_report_by_lookup,
		.report_by_number = sq_report_by_number,
		.report_count = sq_report_count,
		.case_number_next = sq_case_number_next,
		.report_key_put = sq_report_key_put,
		.message_insert = sq_message_insert,
		.messages_each = sq_messages_each,
		.file_insert = sq_file_insert,
		.file_chunk_put = sq_file_chunk_put,
		.file_touch = sq_file_touch,
		.file_finish = sq_file_finish,
		.file_attach = sq_file_attach,
		.files_each = sq_files_each,
		.file_chunks_each = sq_file_chunks_each,
		.files_sweep = sq_files_sweep,
		.event_insert = sq_event_insert,
		.events_each = sq_events_each,
		.reporter_session_insert = sq_reporter_session_insert,
		.reporter_session_get = sq_reporter_session_get,
		.reporter_session_touch = sq_reporter_session_touch,
		.reporter_session_delete = sq_reporter_session_delete,
		.reporter_session_purge = sq_reporter_session_purge,
		.audit_head = sq_audit_head,
		.audit_insert = sq_audit_insert,
		.audit_each = sq_audit_each,
		.audit_page = sq_audit_page,
		.audit_sig_insert = sq_audit_sig_insert,
		.audit_sig_each = sq_audit_sig_each,
		.audit_last_signed = sq_audit_last_signed,
		.audit_pending_insert = sq_audit_pending_insert,
		.audit_pending_take = sq_audit_pending_take,
		.inbox_page = sq_inbox_page,
		.inbox_counts = sq_inbox_counts,
		.report_update = sq_report_update,
		.report_seen = sq_report_seen,
		.report_key_get = sq_report_key_get,
		.report_keys_each = sq_report_keys_each,
		.note_insert = sq_note_insert,
		.notes_each = sq_notes_each,
		.idreq_insert = sq_idreq_insert,
		.idreq_update = sq_idreq_update,
		.idreq_get = sq_idreq_get,
		.idreqs_each = sq_idreqs_each,
		.file_get = sq_file_get,
		.file_chunk_get = sq_file_chunk_get,
		.audit_subject_each = sq_audit_subject_each,
		.optimize = sq_optimize,
		.table_each = sq_table_each,
		.table_count = sq_table_count,
		.close = sq_close,
	};
	return &q->store;
}
