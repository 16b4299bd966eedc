/* pg.c: the PostgreSQL backend of store.h, on libpq. Several Peluit servers may share one
 * database. One connection per thread (a pthread key per store), opened on first use and
 * opened again when the database went away; prepared statements cached per connection;
 * parameters and results in binary, so blobs never travel as hex text. Write transactions
 * take one transaction-level advisory lock: writers are serialized across every server, as
 * SQLite's BEGIN IMMEDIATE serializes them within one (the audit chain and case numbers rely
 * on it). Migrations numbered in the table peluit_schema. */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/backend.h"
#include "store/store.h"

#define STMT_CACHE 160
#define PMAX 32
/* The advisory locks' keys: every write transaction, and migrations. */
#define LOCK_WRITE "1346720844"   /* 'PELL' */
#define LOCK_MIGRATE "1346720845"

struct conn {
	PGconn *db;               /* NULL while the database is unreachable */
	const char *sql[STMT_CACHE]; /* statement "sN" is sql[N]; compared by pointer (literals) */
	int ncache;
	bool in_tx;
	bool lost;                /* broke inside a transaction: all fails until the rollback */
};

struct pg {
	struct store store;
	char url[4096];
	pthread_key_t key;
};

/* Parameters of one statement: text (NULL is SQL NULL), integers as decimal text, blobs in
 * binary. The types come from the statement (casts where the context does not say). */
struct params {
	int n;
	const char *v[PMAX];
	int len[PMAX];
	int fmt[PMAX];
	char num[PMAX][24];
};

static int add(struct params *p, const char *v, int len, int fmt)
{
	if (p->n >= PMAX) {
		log_error("store: postgresql: more than %d parameters", PMAX);
		return -1;
	}
	p->v[p->n] = v;
	p->len[p->n] = len;
	p->fmt[p->n] = fmt;
	return p->n++;
}

static void p_text(struct params *p, const char *s)
{
	add(p, s, 0, 0);
}

static void p_blob(struct params *p, const void *b, size_t n)
{
	add(p, b ? b : "", (int)n, 1); /* a NULL pointer would be SQL NULL, not an empty blob */
}

static void p_opt_blob(struct params *p, bool present, const void *b, size_t n)
{
	if (present)
		p_blob(p, b, n);
	else
		p_text(p, NULL);
}

static void p_int(struct params *p, int64_t v)
{
	int i = add(p, NULL, 0, 0);
	if (i >= 0) {
		snprintf(p->num[i], sizeof p->num[i], "%lld", (long long)v);
		p->v[i] = p->num[i];
	}
}

/* ---- columns of a binary result ---- */

static bool col_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col);
}

/* int2, int4 or int8 in network order; 0 for NULL. */
static int64_t col_int(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
	int n = PQgetlength(r, row, col);
	if (n < 1 || n > 8)
		return 0;
	uint64_t v = p[0] & 0x80 ? UINT64_MAX : 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

static void col_text(char *dst, size_t len, const PGresult *r, int row, int col)
{
	size_t n = (size_t)PQgetlength(r, row, col);
	if (n >= len)
		n = len - 1;
	memcpy(dst, PQgetvalue(r, row, col), n);
	dst[n] = '\0';
}

static void col_blob(void *dst, size_t len, const PGresult *r, int row, int col)
{
	size_t n = (size_t)PQgetlength(r, row, col);
	memset(dst, 0, len);
	memcpy(dst, PQgetvalue(r, row, col), n < len ? n : len);
}

/* The value in place (valid until the result is cleared); NULL and 0 for NULL. */
static unsigned char *col_ptr(const PGresult *r, int row, int col, size_t *len)
{
	*len = (size_t)PQgetlength(r, row, col);
	return PQgetisnull(r, row, col) ? NULL : (unsigned char *)PQgetvalue(r, row, col);
}

/* A malloc'd copy of a blob column (NULL and 0 when NULL or empty). */
static unsigned char *col_dup(const PGresult *r, int row, int col, size_t *len)
{
	size_t n;
	const unsigned char *p = col_ptr(r, row, col, &n);
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

/* ---- connections ---- */

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* notices may quote data: never printed */
}

static void conn_drop(struct conn *c)
{
	PQfinish(c->db);
	c->db = NULL;
	c->ncache = 0;
	c->in_tx = c->lost = false;
}

static void conn_free(void *p)
{
	struct conn *c = p;
	if (c)
		PQfinish(c->db);
	free(c);
}

/* A new connection, or NULL with err set (libpq's first line: host and port, never data). */
static PGconn *connect_db(const char *url, char *err, size_t errlen)
{
	PGconn *db = PQconnectdb(url);
	if (PQstatus(db) != CONNECTION_OK) {
		const char *m = db ? PQerrorMessage(db) : "out of memory";
		snprintf(err, errlen, "postgresql: %.*s", (int)strcspn(m, "\n"), m);
		PQfinish(db);
		return NULL;
	}
	PQsetNoticeProcessor(db, quiet, NULL);
	/* A writer waits for the lock as long as SQLite's busy timeout (then STORE_RETRY); a
	 * server that hangs inside a transaction loses it, and the lock, after a minute. */
	PGresult *r = PQexec(db, "SET lock_timeout = '5s'; "
	                         "SET idle_in_transaction_session_timeout = '60s'");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		snprintf(err, errlen, "postgresql: could not configure the connection");
		PQfinish(db);
		return NULL;
	}
	return db;
}

/* The calling thread's connection, (re)opened when needed; NULL (logged) when the database
 * cannot be reached, or when the connection broke inside this thread's transaction. */
static struct conn *conn_get(struct pg *q)
{
	struct conn *c = pthread_getspecific(q->key);
	if (c && c->db && PQstatus(c->db) == CONNECTION_OK && !c->lost)
		return c;
	if (c && (c->in_tx || c->lost)) {
		c->lost = true;
		return NULL;
	}
	if (!c) {
		if (!(c = calloc(1, sizeof *c)))
			return NULL;
		pthread_setspecific(q->key, c);
	}
	conn_drop(c);
	char err[512];
	if (!(c->db = connect_db(q->url, err, sizeof err))) {
		log_error("store: %s", err);
		return NULL;
	}
	return c;
}

/* The store_rc of a result; failures other than constraints and retries are logged by
 * SQLSTATE and the statement's beginning (no values). */
static int rc_of(const PGresult *r, const char *sql)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return STORE_OK;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (state && !strncmp(state, "23", 2))
		return STORE_DUP;
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")))
		return STORE_RETRY;
	log_error("store: postgresql: SQLSTATE %s in \"%.48s\"", state ? state : "(none)", sql);
	return STORE_ERR;
}

/* The number of the cached statement for `sql`, prepared on first use; -1 when preparing
 * failed (*fail gets the failed result), -2 when the cache is full (logged once). */
static int prepared(struct conn *c, const char *sql, PGresult **fail)
{
	*fail = NULL;
	for (int i = 0; i < c->ncache; i++)
		if (c->sql[i] == sql)
			return i;
	if (c->ncache == STMT_CACHE) {
		static atomic_bool said;
		if (!atomic_exchange(&said, true))
			log_error("store: postgresql: statement cache full; raise STMT_CACHE");
		return -2;
	}
	char name[16];
	snprintf(name, sizeof name, "s%d", c->ncache);
	PGresult *r = PQprepare(c->db, name, sql, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		*fail = r;
		return -1;
	}
	PQclear(r);
	c->sql[c->ncache] = sql;
	return c->ncache++;
}

/* Runs `sql` with p (NULL: none), binary results. `cached`: sql is a string literal, kept
 * prepared on the connection; else parsed each time (built SQL, for whole-table copies).
 * STORE_OK with *out set (the caller clears it), or another store_rc with *out NULL. Outside a
 * transaction, a statement whose connection turns out to be broken (the database restarted)
 * runs once more on a new connection. */
static int query(struct pg *q, const char *sql, const struct params *p, bool cached,
                 PGresult **out)
{
	static const struct params none;
	if (!p)
		p = &none;
	*out = NULL;
	for (int attempt = 0;; attempt++) {
		struct conn *c = conn_get(q);
		if (!c)
			return STORE_ERR;
		PGresult *r = NULL;
		int i = cached ? prepared(c, sql, &r) : -2;
		if (i >= 0) {
			char name[16];
			snprintf(name, sizeof name, "s%d", i);
			r = PQexecPrepared(c->db, name, p->n, p->v, p->len, p->fmt, 1);
		} else if (i == -2) {
			r = PQexecParams(c->db, sql, p->n, NULL, p->v, p->len, p->fmt, 1);
		}
		if (PQstatus(c->db) != CONNECTION_OK) {
			PQclear(r);
			if (!c->in_tx && attempt == 0)
				continue;
			c->lost = c->in_tx;
			log_error("store: postgresql: the connection to the database was lost");
			return STORE_ERR;
		}
		int rc = rc_of(r, sql);
		if (rc == STORE_OK)
			*out = r;
		else
			PQclear(r);
		return rc;
	}
}

/* Runs a statement for its effect; *changed (optional) gets the rows it changed. */
static int exec_n(struct pg *q, const char *sql, const struct params *p, int64_t *changed)
{
	PGresult *r;
	int rc = query(q, sql, p, true, &r);
	if (changed)
		*changed = rc == STORE_OK ? strtoll(PQcmdTuples(r), NULL, 10) : 0;
	PQclear(r);
	return rc;
}

static int exec(struct pg *q, const char *sql, const struct params *p)
{
	return exec_n(q, sql, p, NULL);
}

/* A query of at most one row: STORE_OK with *out, or STORE_NONE when no row came. */
static int one(struct pg *q, const char *sql, const struct params *p, PGresult **out)
{
	int rc = query(q, sql, p, true, out);
	if (rc == STORE_OK && PQntuples(*out) == 0) {
		PQclear(*out);
		*out = NULL;
		return STORE_NONE;
	}
	return rc;
}

/* A query with one text parameter ($1): the rows of one report, one key… */
static int query_by(struct pg *q, const char *sql, const char *key, PGresult **out)
{
	struct params p = { 0 };
	p_text(&p, key);
	return query(q, sql, &p, true, out);
}

/* ---- schema ---- */

/* Runs a script of several statements (a migration) in the current transaction. */
static int script(struct pg *q, const char *sql)
{
	struct conn *c = conn_get(q);
	if (!c)
		return STORE_ERR;
	PGresult *r = PQexec(c->db, sql);
	int rc = rc_of(r, sql);
	PQclear(r);
	return rc;
}

static int schema_version(struct pg *q, int *v)
{
	PGresult *r;
	*v = 0;
	int rc = query(q, "SELECT to_regclass('peluit_schema') IS NOT NULL", NULL, true, &r);
	bool exists = rc == STORE_OK && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0];
	PQclear(r);
	if (rc != STORE_OK || !exists)
		return rc;
	if ((rc = one(q, "SELECT version FROM peluit_schema", NULL, &r)) == STORE_OK)
		*v = (int)col_int(r, 0, 0);
	PQclear(r);
	return rc == STORE_NONE ? STORE_OK : rc;
}

static int pg_begin(void *cls);
static int pg_commit(void *cls);
static void pg_rollback(void *cls);

/* Every missing migration in one transaction (DDL is transactional), under a lock of its own
 * so that servers starting together migrate once. */
static int migrate_tx(struct pg *q, int *from, int want)
{
	int rc = exec(q, "SELECT pg_advisory_xact_lock(" LOCK_MIGRATE ")", NULL);
	if (rc == STORE_OK)
		rc = script(q, "CREATE TABLE IF NOT EXISTS peluit_schema (version bigint NOT NULL)");
	if (rc == STORE_OK)
		rc = schema_version(q, from);
	for (int v = *from + 1; rc == STORE_OK && v <= want; v++) {
		const struct asset *m = store_migration("pg", v);
		struct params p = { 0 };
		p_int(&p, v);
		if ((rc = script(q, (const char *)m->data)) != STORE_OK ||
		    (rc = exec(q, "DELETE FROM peluit_schema", NULL)) != STORE_OK ||
		    (rc = exec(q, "INSERT INTO peluit_schema (version) VALUES ($1)", &p)) != STORE_OK)
			log_error("store: migration %s failed", m->name);
	}
	return rc;
}

static int pg_migrate(void *cls, int *from, int *to)
{
	struct pg *q = cls;
	int want = store_migration_latest("pg");
	int rc = pg_begin(q);
	if (rc == STORE_OK && (rc = migrate_tx(q, from, want)) == STORE_OK)
		rc = pg_commit(q);
	if (rc != STORE_OK) {
		pg_rollback(q);
		return STORE_ERR;
	}
	*to = want;
	return STORE_OK;
}

static int pg_schema_check(void *cls, int *have, int *want)
{
	*want = store_migration_latest("pg");
	if (schema_version(cls, have) != STORE_OK)
		return STORE_ERR;
	return *have == *want ? STORE_OK : STORE_ERR;
}

static int pg_ping(void *cls)
{
	return exec(cls, "SELECT 1", NULL);
}

/* ---- transactions ---- */

static int pg_begin(void *cls)
{
	struct pg *q = cls;
	int rc = exec(q, "BEGIN", NULL);
	if (rc != STORE_OK)
		return rc;
	struct conn *c = pthread_getspecific(q->key);
	c->in_tx = true;
	/* The write lock: what BEGIN IMMEDIATE is to SQLite, for every server at once. */
	rc = exec(q, "SELECT pg_advisory_xact_lock(" LOCK_WRITE ")", NULL);
	if (rc != STORE_OK)
		pg_rollback(q);
	return rc;
}

static int pg_commit(void *cls)
{
	struct pg *q = cls;
	PGresult *r;
	int rc = query(q, "COMMIT", NULL, true, &r);
	/* COMMIT of a failed transaction says ROLLBACK instead of failing. */
	if (rc == STORE_OK && strcmp(PQcmdStatus(r), "COMMIT") != 0)
		rc = STORE_ERR;
	PQclear(r);
	struct conn *c = pthread_getspecific(q->key);
	if (c && rc == STORE_OK)
		c->in_tx = false;
	return rc;
}

static void pg_rollback(void *cls)
{
	struct pg *q = cls;
	struct conn *c = pthread_getspecific(q->key);
	if (!c || !c->in_tx)
		return;
	if (c->lost || PQstatus(c->db) != CONNECTION_OK) {
		conn_drop(c); /* the server ended the transaction with the connection */
		return;
	}
	PGresult *r = PQexec(c->db, "ROLLBACK");
	PQclear(r);
	c->in_tx = false;
}

static void pg_durable(void *cls, bool wait_for_disk)
{
	struct pg *q = cls;
	exec(q, wait_for_disk ? "SET synchronous_commit = on" : "SET synchronous_commit = off", NULL);
}

/* ---- users ---- */

#define USER_COLS "id, username, name, role, confirmed, disabled, created_at, pw_salt, " \
                  "pw_version, pw_verifier, created_by, refused, enc_pk, sign_pk, sk_pw, sk_rec, " \
                  "cert_signer, cert_at, cert_sig, totp_sealed, totp_pending, activation_hash, " \
                  "activation_expires"

static void read_user(const PGresult *r, int i, struct store_user *u)
{
	memset(u, 0, sizeof *u);
	col_text(u->id, sizeof u->id, r, i, 0);
	col_text(u->username, sizeof u->username, r, i, 1);
	col_text(u->name, sizeof u->name, r, i, 2);
	col_text(u->role, sizeof u->role, r, i, 3);
	u->confirmed = col_int(r, i, 4) != 0;
	u->disabled = col_int(r, i, 5) != 0;
	u->created_at = col_int(r, i, 6);
	col_blob(u->pw_salt, sizeof u->pw_salt, r, i, 7);
	u->pw_version = (int)col_int(r, i, 8);
	col_blob(u->pw_verifier, sizeof u->pw_verifier, r, i, 9);
	col_text(u->created_by, sizeof u->created_by, r, i, 10);
	u->refused = col_int(r, i, 11) != 0;
	u->has_keys = !col_null(r, i, 12);
	col_blob(u->enc_pk, sizeof u->enc_pk, r, i, 12);
	col_blob(u->sign_pk, sizeof u->sign_pk, r, i, 13);
	col_blob(u->sk_pw, sizeof u->sk_pw, r, i, 14);
	col_blob(u->sk_rec, sizeof u->sk_rec, r, i, 15);
	u->has_cert = !col_null(r, i, 18);
	col_text(u->cert_signer, sizeof u->cert_signer, r, i, 16);
	u->cert_at = col_int(r, i, 17);
	col_blob(u->cert_sig, sizeof u->cert_sig, r, i, 18);
	u->totp_enabled = !col_null(r, i, 19);
	col_blob(u->totp_sealed, sizeof u->totp_sealed, r, i, 19);
	u->totp_pending_set = !col_null(r, i, 20);
	col_blob(u->totp_pending, sizeof u->totp_pending, r, i, 20);
	u->has_activation = !col_null(r, i, 21);
	col_blob(u->activation_hash, sizeof u->activation_hash, r, i, 21);
	u->activation_expires = col_int(r, i, 22);
}

/* Every column of USER_COLS from u, in order, from $1. */
static void bind_user(struct params *p, const struct store_user *u)
{
	p_text(p, u->id);
	p_text(p, u->username);
	p_text(p, u->name);
	p_text(p, u->role);
	p_int(p, u->confirmed);
	p_int(p, u->disabled);
	p_int(p, u->created_at);
	p_blob(p, u->pw_salt, sizeof u->pw_salt);
	p_int(p, u->pw_version);
	p_blob(p, u->pw_verifier, sizeof u->pw_verifier);
	p_text(p, u->created_by);
	p_int(p, u->refused);
	p_opt_blob(p, u->has_keys, u->enc_pk, sizeof u->enc_pk);
	p_opt_blob(p, u->has_keys, u->sign_pk, sizeof u->sign_pk);
	p_opt_blob(p, u->has_keys, u->sk_pw, sizeof u->sk_pw);
	p_opt_blob(p, u->has_keys, u->sk_rec, sizeof u->sk_rec);
	p_text(p, u->has_cert ? u->cert_signer : NULL);
	p_int(p, u->has_cert ? u->cert_at : 0);
	p_opt_blob(p, u->has_cert, u->cert_sig, sizeof u->cert_sig);
	p_opt_blob(p, u->totp_enabled, u->totp_sealed, sizeof u->totp_sealed);
	p_opt_blob(p, u->totp_pending_set, u->totp_pending, sizeof u->totp_pending);
	p_opt_blob(p, u->has_activation, u->activation_hash, sizeof u->activation_hash);
	p_int(p, u->has_activation ? u->activation_expires : 0);
}

static int pg_user_insert(void *cls, const struct store_user *u)
{
	struct params p = { 0 };
	bind_user(&p, u);
	return exec(cls, "INSERT INTO users (" USER_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
	                 "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)",
	            &p);
}

static int pg_user_update(void *cls, const struct store_user *u)
{
	struct params p = { 0 };
	int64_t n;
	bind_user(&p, u);
	int rc = exec_n(cls, "UPDATE users SET username=$2, name=$3, role=$4, confirmed=$5, "
	                     "disabled=$6, created_at=$7, pw_salt=$8, pw_version=$9, pw_verifier=$10, "
	                     "created_by=$11, refused=$12, enc_pk=$13, sign_pk=$14, sk_pw=$15, "
	                     "sk_rec=$16, cert_signer=$17, cert_at=$18, cert_sig=$19, totp_sealed=$20, "
	                     "totp_pending=$21, activation_hash=$22, activation_expires=$23 "
	                     "WHERE id=$1", &p, &n);
	return rc == STORE_OK && n == 0 ? STORE_NONE : rc;
}

static int one_user(struct pg *q, const char *sql, const char *key, struct store_user *out)
{
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, key);
	int rc = one(q, sql, &p, &r);
	if (rc == STORE_OK)
		read_user(r, 0, out);
	PQclear(r);
	return rc;
}

static int pg_user_by_username(void *cls, const char *username, struct store_user *out)
{
	return one_user(cls, "SELECT " USER_COLS " FROM users WHERE username = $1", username, out);
}

static int pg_user_by_id(void *cls, const char *id, struct store_user *out)
{
	return one_user(cls, "SELECT " USER_COLS " FROM users WHERE id = $1", id, out);
}

static int each_user(struct pg *q, const char *sql, store_user_cb cb, void *arg)
{
	PGresult *r;
	int rc = query(q, sql, NULL, true, &r);
	struct store_user u;
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		read_user(r, i, &u);
		if (cb(arg, &u) != 0)
			break;
	}
	PQclear(r);
	sodium_memzero(&u, sizeof u);
	return rc;
}

static int pg_user_list(void *cls, store_user_cb cb, void *arg)
{
	return each_user(cls, "SELECT " USER_COLS " FROM users ORDER BY created_at, username", cb,
	                 arg);
}

static int pg_users_unconfirm_signed_by(void *cls, const char *signer_id)
{
	struct params p = { 0 };
	p_text(&p, signer_id);
	return exec(cls, "UPDATE users SET confirmed = 0 WHERE cert_signer = $1 AND id <> $1", &p);
}

static int pg_users_pending(void *cls, store_user_cb cb, void *arg)
{
	return each_user(cls, "SELECT " USER_COLS " FROM users WHERE confirmed = 0 AND disabled = 0 "
	                      "AND refused = 0 AND enc_pk IS NOT NULL AND role IN ('investigator', "
	                      "'supervisor', 'leader') ORDER BY created_at", cb, arg);
}

static int pg_readers(void *cls, store_user_cb cb, void *arg)
{
	return each_user(cls, "SELECT " USER_COLS " FROM users WHERE confirmed = 1 AND disabled = 0 "
	                      "AND role IN ('investigator', 'supervisor', 'leader') ORDER BY name",
	                 cb, arg);
}

/* ---- sessions ---- */

static int pg_session_insert(void *cls, const struct store_session *s)
{
	struct params p = { 0 };
	p_blob(&p, s->lookup, sizeof s->lookup);
	p_text(&p, s->user_id);
	p_int(&p, s->created_at);
	p_int(&p, s->last_seen);
	p_int(&p, s->expires_at);
	p_opt_blob(&p, s->has_secrets, s->secrets, sizeof s->secrets);
	return exec(cls, "INSERT INTO sessions (lookup, user_id, created_at, last_seen, expires_at, "
	                 "secrets) VALUES ($1, $2, $3, $4, $5, $6)", &p);
}

static int pg_session_get(void *cls, const unsigned char lookup[SESSION_LOOKUP_BYTES],
                          struct store_session *out)
{
	struct params p = { 0 };
	PGresult *r;
	p_blob(&p, lookup, SESSION_LOOKUP_BYTES);
	int rc = one(cls, "SELECT user_id, created_at, last_seen, expires_at, secrets FROM sessions "
	                  "WHERE lookup = $1", &p, &r);
	if (rc == STORE_OK) {
		memcpy(out->lookup, lookup, SESSION_LOOKUP_BYTES);
		col_text(out->user_id, sizeof out->user_id, r, 0, 0);
		out->created_at = col_int(r, 0, 1);
		out->last_seen = col_int(r, 0, 2);
		out->expires_at = col_int(r, 0, 3);
		out->has_secrets = !col_null(r, 0, 4);
		col_blob(out->secrets, sizeof out->secrets, r, 0, 4);
	}
	PQclear(r);
	return rc;
}

/* A statement with a blob key ($1) and an integer ($2). */
static int exec_key_int(struct pg *q, const char *sql, const unsigned char *key, size_t len,
                        int64_t v)
{
	struct params p = { 0 };
	p_blob(&p, key, len);
	p_int(&p, v);
	return exec(q, sql, &p);
}

/* A statement with one blob key ($1). */
static int exec_key(struct pg *q, const char *sql, const unsigned char *key, size_t len)
{
	struct params p = { 0 };
	p_blob(&p, key, len);
	return exec(q, sql, &p);
}

/* A statement with one or two text parameters (b may be NULL: only $1). */
static int exec_text(struct pg *q, const char *sql, const char *a, const char *b)
{
	struct params p = { 0 };
	p_text(&p, a);
	if (b)
		p_text(&p, b);
	return exec(q, sql, &p);
}

static int pg_session_touch(void *cls, const unsigned char lookup[SESSION_LOOKUP_BYTES], int64_t now)
{
	return exec_key_int(cls, "UPDATE sessions SET last_seen = $2 WHERE lookup = $1", lookup,
	                    SESSION_LOOKUP_BYTES, now);
}

static int pg_session_delete(void *cls, const unsigned char lookup[SESSION_LOOKUP_BYTES])
{
	return exec_key(cls, "DELETE FROM sessions WHERE lookup = $1", lookup, SESSION_LOOKUP_BYTES);
}

static int pg_sessions_delete_user(void *cls, const char *user_id)
{
	return exec_text(cls, "DELETE FROM sessions WHERE user_id = $1", user_id, NULL);
}

static int pg_session_purge(void *cls, int64_t now, int64_t idle_before)
{
	struct params p = { 0 };
	p_int(&p, now);
	p_int(&p, idle_before);
	return exec(cls, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen < $2", &p);
}

/* ---- organisation key ---- */

static void read_org_key(const PGresult *r, struct store_org_key *out)
{
	col_text(out->id, sizeof out->id, r, 0, 0);
	col_blob(out->pk, sizeof out->pk, r, 0, 1);
	out->created_at = col_int(r, 0, 2);
	out->retired_at = col_int(r, 0, 3);
}

static int pg_org_key_current(void *cls, struct store_org_key *out)
{
	PGresult *r;
	int rc = one(cls, "SELECT id, pk, created_at, 0::bigint FROM org_keys WHERE retired_at IS "
	                  "NULL ORDER BY created_at DESC LIMIT 1", NULL, &r);
	if (rc == STORE_OK)
		read_org_key(r, out);
	PQclear(r);
	return rc;
}

static int pg_org_key_insert(void *cls, const struct store_org_key *k)
{
	struct params p = { 0 };
	p_text(&p, k->id);
	p_blob(&p, k->pk, sizeof k->pk);
	p_int(&p, k->created_at);
	return exec(cls, "INSERT INTO org_keys (id, pk, created_at) VALUES ($1, $2, $3)", &p);
}

static int pg_org_key_retire(void *cls, const char *id, int64_t at)
{
	struct params p = { 0 };
	p_int(&p, at);
	p_text(&p, id);
	return exec(cls, "UPDATE org_keys SET retired_at = $1 WHERE id = $2", &p);
}

static int pg_org_copy_put(void *cls, const char *org_key_id, const char *user_id,
                           const unsigned char sealed[SEALED_ORG_SK_BYTES])
{
	struct params p = { 0 };
	p_text(&p, org_key_id);
	p_text(&p, user_id);
	p_blob(&p, sealed, SEALED_ORG_SK_BYTES);
	return exec(cls, "INSERT INTO org_key_copies (org_key_id, user_id, sealed) VALUES ($1, $2, "
	                 "$3) ON CONFLICT (org_key_id, user_id) DO UPDATE SET sealed = excluded.sealed",
	            &p);
}

static int pg_org_copy_get(void *cls, const char *org_key_id, const char *user_id,
                           unsigned char sealed[SEALED_ORG_SK_BYTES])
{
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, org_key_id);
	p_text(&p, user_id);
	int rc = one(cls, "SELECT sealed FROM org_key_copies WHERE org_key_id = $1 AND user_id = $2",
	             &p, &r);
	if (rc == STORE_OK)
		col_blob(sealed, SEALED_ORG_SK_BYTES, r, 0, 0);
	PQclear(r);
	return rc;
}

static int pg_org_copy_holders(void *cls, const char *org_key_id,
                               int (*cb)(void *arg, const char *user_id), void *arg)
{
	PGresult *r;
	int rc = query_by(cls, "SELECT user_id FROM org_key_copies WHERE org_key_id = $1", org_key_id,
	                  &r);
	char id[ID_CHARS + 1];
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		col_text(id, sizeof id, r, i, 0);
		if (cb(arg, id) != 0)
			break;
	}
	PQclear(r);
	return rc;
}

static int pg_org_key_retired_in_use(void *cls, struct store_org_key *out, int64_t *remaining)
{
	PGresult *r;
	int rc = one(cls, "SELECT k.id, k.pk, k.created_at, k.retired_at, count(*) FROM org_keys k "
	                  "JOIN report_keys r ON r.holder = k.id AND r.holder_kind = 'org' WHERE "
	                  "k.retired_at IS NOT NULL GROUP BY k.id ORDER BY k.retired_at LIMIT 1",
	             NULL, &r);
	if (rc == STORE_OK) {
		read_org_key(r, out);
		*remaining = col_int(r, 0, 4);
	}
	PQclear(r);
	return rc;
}

static int pg_org_key_delete(void *cls, const char *id)
{
	return exec_text(cls, "DELETE FROM org_keys WHERE id = $1", id, NULL);
}

#define REPORT_KEY_COLS "report_id, holder, holder_kind, k_report, k_notes, k_identity, how, since"

static void read_report_key(const PGresult *r, int i, struct store_report_key *k)
{
	memset(k, 0, sizeof *k);
	col_text(k->report_id, sizeof k->report_id, r, i, 0);
	col_text(k->holder, sizeof k->holder, r, i, 1);
	col_text(k->holder_kind, sizeof k->holder_kind, r, i, 2);
	col_blob(k->k_report, sizeof k->k_report, r, i, 3);
	col_blob(k->k_notes, sizeof k->k_notes, r, i, 4);
	k->has_identity = !col_null(r, i, 5);
	col_blob(k->k_identity, sizeof k->k_identity, r, i, 5);
	col_text(k->how, sizeof k->how, r, i, 6);
	k->since = col_int(r, i, 7);
}

static int pg_report_keys_of(void *cls, const char *holder, int64_t limit,
                             int (*cb)(void *arg, const struct store_report_key *k), void *arg)
{
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, holder);
	p_int(&p, limit);
	/* The whole result arrives first, so the callback may write to the same table. */
	int rc = query(cls, "SELECT " REPORT_KEY_COLS " FROM report_keys WHERE holder = $1 LIMIT $2",
	               &p, true, &r);
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		struct store_report_key k;
		read_report_key(r, i, &k);
		if (cb(arg, &k) != 0)
			rc = STORE_ERR;
	}
	PQclear(r);
	return rc;
}

static int pg_report_key_delete(void *cls, const char *report_id, const char *holder)
{
	return exec_text(cls, "DELETE FROM report_keys WHERE report_id = $1 AND holder = $2",
	                 report_id, holder);
}

static int pg_report_set_org_key(void *cls, const char *report_id, const char *org_key_id)
{
	return exec_text(cls, "UPDATE reports SET org_key_id = $2 WHERE id = $1", report_id,
	                 org_key_id);
}

static int pg_key_copies_delete_user(void *cls, const char *user_id)
{
	int rc = exec_text(cls, "DELETE FROM org_key_copies WHERE user_id = $1", user_id, NULL);
	if (rc == STORE_OK)
		rc = exec_text(cls, "DELETE FROM report_keys WHERE holder = $1 AND holder_kind = 'user'",
		               user_id, NULL);
	return rc;
}

/* ---- settings ---- */

static int pg_setting_get(void *cls, const char *key, char *value, size_t len)
{
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, key);
	int rc = one(cls, "SELECT value FROM settings WHERE key = $1", &p, &r);
	if (rc == STORE_OK)
		col_text(value, len, r, 0, 0);
	PQclear(r);
	return rc;
}

static int pg_setting_put(void *cls, const char *key, const char *value)
{
	return exec_text(cls, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) "
	                      "DO UPDATE SET value = excluded.value", key, value);
}

/* ---- reports ---- */

/* A report is two rows: its plain columns in `reports` (narrow, for the inbox's scans and
 * counts) and its ciphertexts in `report_bodies`. */
#define REPORT_SELECT "SELECT r.id, r.number, r.category, r.kecamatan, r.status, r.created_on, " \
                      "r.ack_due, r.due, r.acked_on, r.closed_on, r.assignee, r.receipt_lookup, " \
                      "b.reporter_keys, b.content, b.identity, b.exclusions, r.org_key_id, "     \
                      "r.files, r.reporter_messages FROM reports r JOIN report_bodies b ON "     \
                      "b.report_id = r.id"

static void read_report(const PGresult *r, struct store_report *o)
{
	memset(o, 0, sizeof *o);
	col_text(o->id, sizeof o->id, r, 0, 0);
	col_text(o->number, sizeof o->number, r, 0, 1);
	col_text(o->category, sizeof o->category, r, 0, 2);
	col_text(o->kecamatan, sizeof o->kecamatan, r, 0, 3);
	col_text(o->status, sizeof o->status, r, 0, 4);
	col_text(o->created_on, sizeof o->created_on, r, 0, 5);
	col_text(o->ack_due, sizeof o->ack_due, r, 0, 6);
	col_text(o->due, sizeof o->due, r, 0, 7);
	col_text(o->acked_on, sizeof o->acked_on, r, 0, 8);
	col_text(o->closed_on, sizeof o->closed_on, r, 0, 9);
	col_text(o->assignee, sizeof o->assignee, r, 0, 10);
	col_blob(o->receipt_lookup, sizeof o->receipt_lookup, r, 0, 11);
	col_blob(o->reporter_keys, sizeof o->reporter_keys, r, 0, 12);
	o->content = col_dup(r, 0, 13, &o->content_len);
	o->has_identity = !col_null(r, 0, 14);
	col_blob(o->identity, sizeof o->identity, r, 0, 14);
	o->exclusions = col_dup(r, 0, 15, &o->exclusions_len);
	col_text(o->org_key_id, sizeof o->org_key_id, r, 0, 16);
	o->files = col_int(r, 0, 17);
	o->reporter_messages = col_int(r, 0, 18);
}

static int pg_report_insert(void *cls, const struct store_report *r)
{
	struct params p = { 0 };
	p_text(&p, r->id);
	p_text(&p, r->number);
	p_text(&p, r->category);
	p_text(&p, r->kecamatan);
	p_text(&p, r->status);
	p_text(&p, r->created_on);
	p_text(&p, r->ack_due);
	p_text(&p, r->due);
	p_text(&p, r->acked_on);
	p_text(&p, r->closed_on);
	p_text(&p, r->assignee[0] ? r->assignee : NULL);
	p_blob(&p, r->receipt_lookup, sizeof r->receipt_lookup);
	p_text(&p, r->org_key_id[0] ? r->org_key_id : NULL);
	p_int(&p, r->files);
	p_int(&p, r->reporter_messages);
	int rc = exec(cls, "INSERT INTO reports (id, number, category, kecamatan, status, created_on, "
	                   "ack_due, due, acked_on, closed_on, assignee, receipt_lookup, org_key_id, "
	                   "files, reporter_messages) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	                   "$10, $11, $12, $13, $14, $15)", &p);
	if (rc != STORE_OK)
		return rc;
	p.n = 0;
	p_text(&p, r->id);
	p_blob(&p, r->reporter_keys, sizeof r->reporter_keys);
	p_blob(&p, r->content, r->content_len);
	p_opt_blob(&p, r->has_identity, r->identity, sizeof r->identity);
	p_blob(&p, r->exclusions, r->exclusions_len);
	return exec(cls, "INSERT INTO report_bodies (report_id, reporter_keys, content, identity, "
	                 "exclusions) VALUES ($1, $2, $3, $4, $5)", &p);
}

static int one_report(struct pg *q, const char *sql, const struct params *p,
                      struct store_report *out)
{
	PGresult *r;
	int rc = one(q, sql, p, &r);
	if (rc == STORE_OK)
		read_report(r, out);
	PQclear(r);
	return rc;
}

static int pg_report_by_id(void *cls, const char *id, struct store_report *out)
{
	struct params p = { 0 };
	p_text(&p, id);
	return one_report(cls, REPORT_SELECT " WHERE r.id = $1", &p, out);
}

static int pg_report_by_lookup(void *cls, const unsigned char lookup[32], struct store_report *out)
{
	struct params p = { 0 };
	p_blob(&p, lookup, 32);
	return one_report(cls, REPORT_SELECT " WHERE r.receipt_lookup = $1", &p, out);
}

static int pg_report_by_number(void *cls, const char *number, struct store_report *out)
{
	struct params p = { 0 };
	p_text(&p, number);
	return one_report(cls, REPORT_SELECT " WHERE r.number = $1", &p, out);
}

static int pg_report_count(void *cls, const char *id, int64_t files, int64_t reporter_messages)
{
	struct params p = { 0 };
	p_int(&p, files);
	p_int(&p, reporter_messages);
	p_text(&p, id);
	return exec(cls, "UPDATE reports SET files = files + $1, reporter_messages = "
	                 "reporter_messages + $2 WHERE id = $3", &p);
}

static int pg_case_number_next(void *cls, int year, int64_t *n)
{
	struct params p = { 0 };
	PGresult *r;
	p_int(&p, year);
	int rc = one(cls, "INSERT INTO case_numbers (year, last) VALUES ($1, 1) ON CONFLICT (year) "
	                  "DO UPDATE SET last = case_numbers.last + 1 RETURNING last", &p, &r);
	*n = rc == STORE_OK ? col_int(r, 0, 0) : 0;
	PQclear(r);
	return rc == STORE_NONE ? STORE_ERR : rc;
}

/* An upsert, never a delete and an insert, so that the key_counts trigger sees one insert or
 * none. */
static int pg_report_key_put(void *cls, const struct store_report_key *k)
{
	struct params p = { 0 };
	p_text(&p, k->report_id);
	p_text(&p, k->holder);
	p_text(&p, k->holder_kind);
	p_blob(&p, k->k_report, sizeof k->k_report);
	p_blob(&p, k->k_notes, sizeof k->k_notes);
	p_opt_blob(&p, k->has_identity, k->k_identity, sizeof k->k_identity);
	p_text(&p, k->how);
	p_int(&p, k->since);
	return exec(cls, "INSERT INTO report_keys (report_id, holder, holder_kind, k_report, k_notes, "
	                 "k_identity, how, since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT "
	                 "(report_id, holder) DO UPDATE SET holder_kind = excluded.holder_kind, "
	                 "k_report = excluded.k_report, k_notes = excluded.k_notes, k_identity = "
	                 "excluded.k_identity, how = excluded.how, since = excluded.since", &p);
}

static int pg_message_insert(void *cls, const struct store_message *m)
{
	struct params p = { 0 };
	p_text(&p, m->id);
	p_text(&p, m->report_id);
	p_text(&p, m->author);
	p_text(&p, m->author_id);
	p_int(&p, m->at);
	p_blob(&p, m->body, m->body_len);
	return exec(cls, "INSERT INTO messages (id, report_id, author, author_id, at, seq, body) "
	                 "VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(max(seq), 0) + 1 FROM messages "
	                 "WHERE report_id = $2), $6)", &p);
}

static int pg_messages_each(void *cls, const char *report_id, store_message_cb cb, void *arg)
{
	PGresult *r;
	int rc = query_by(cls, "SELECT id, report_id, author, author_id, at, seq, body FROM messages "
	                       "WHERE report_id = $1 ORDER BY seq", report_id, &r);
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		struct store_message m = { 0 };
		col_text(m.id, sizeof m.id, r, i, 0);
		col_text(m.report_id, sizeof m.report_id, r, i, 1);
		col_text(m.author, sizeof m.author, r, i, 2);
		col_text(m.author_id, sizeof m.author_id, r, i, 3);
		m.at = col_int(r, i, 4);
		m.seq = col_int(r, i, 5);
		m.body = col_ptr(r, i, 6, &m.body_len);
		if (cb(arg, &m) != 0)
			break;
	}
	PQclear(r);
	return rc;
}

static int pg_file_insert(void *cls, const struct store_file *f)
{
	struct params p = { 0 };
	p_text(&p, f->id);
	p_int(&p, f->staged_at);
	p_text(&p, f->added_by);
	p_blob(&p, f->stream_key, sizeof f->stream_key);
	p_blob(&p, f->header, sizeof f->header);
	return exec(cls, "INSERT INTO files (id, staged_at, added_by, stream_key, header) VALUES ($1, "
	                 "$2, $3, $4, $5)", &p);
}

static int pg_file_chunk_put(void *cls, const char *file_id, int64_t seq,
                             const unsigned char *data, size_t len)
{
	struct params p = { 0 };
	p_text(&p, file_id);
	p_int(&p, seq);
	p_blob(&p, data, len);
	return exec(cls, "INSERT INTO file_chunks (file_id, seq, data) VALUES ($1, $2, $3)", &p);
}

/* An upload still arriving is not abandoned: it marks its staged files active, at most once a
 * minute (src/reports/evidence.c); the sweep looks at that time. */
static int pg_file_touch(void *cls, const char *file_id, int64_t at)
{
	struct params p = { 0 };
	p_int(&p, at);
	p_text(&p, file_id);
	return exec(cls, "UPDATE files SET staged_at = $1 WHERE id = $2 AND report_id IS NULL", &p);
}

static int pg_file_finish(void *cls, const struct store_file *f)
{
	struct params p = { 0 };
	p_int(&p, f->size);
	p_int(&p, f->chunks);
	p_blob(&p, f->meta, f->meta_len);
	p_text(&p, f->id);
	return exec(cls, "UPDATE files SET size = $1, chunks = $2, meta = $3 WHERE id = $4", &p);
}

static int pg_file_attach(void *cls, const char *file_id, const char *report_id, int64_t added_at)
{
	struct params p = { 0 };
	int64_t n;
	p_text(&p, report_id);
	p_int(&p, added_at);
	p_text(&p, file_id);
	/* staged_at loses its exact second too: only the hour of a reporter's act is kept. */
	int rc = exec_n(cls, "UPDATE files SET report_id = $1, added_at = $2, staged_at = $2 WHERE "
	                     "id = $3 AND report_id IS NULL AND meta IS NOT NULL", &p, &n);
	return rc == STORE_OK && n != 1 ? STORE_NONE : rc; /* swept meanwhile, or never finished */
}

static int pg_files_each(void *cls, const char *report_id, store_file_cb cb, void *arg)
{
	PGresult *r;
	int rc = query_by(cls, "SELECT id, report_id, staged_at, added_at, added_by, size, chunks, "
	                       "stream_key, header, meta FROM files WHERE report_id = $1 ORDER BY "
	                       "added_at, arrival", report_id, &r);
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		struct store_file f = { 0 };
		col_text(f.id, sizeof f.id, r, i, 0);
		col_text(f.report_id, sizeof f.report_id, r, i, 1);
		f.staged_at = col_int(r, i, 2);
		f.added_at = col_int(r, i, 3);
		col_text(f.added_by, sizeof f.added_by, r, i, 4);
		f.size = col_int(r, i, 5);
		f.chunks = col_int(r, i, 6);
		col_blob(f.stream_key, sizeof f.stream_key, r, i, 7);
		col_blob(f.header, sizeof f.header, r, i, 8);
		f.meta = col_ptr(r, i, 9, &f.meta_len);
		if (cb(arg, &f) != 0)
			break;
	}
	PQclear(r);
	return rc;
}

/* One chunk per query, by key: memory stays at one chunk however large the file, and the
 * connection is free for the callback between chunks. */
static int pg_file_chunks_each(void *cls, const char *file_id, store_chunk_cb cb, void *arg)
{
	int64_t seq = -1;
	for (;;) {
		struct params p = { 0 };
		PGresult *r;
		p_text(&p, file_id);
		p_int(&p, seq);
		int rc = one(cls, "SELECT seq, data FROM file_chunks WHERE file_id = $1 AND seq > $2 "
		                  "ORDER BY seq LIMIT 1", &p, &r);
		if (rc != STORE_OK)
			return rc == STORE_NONE ? STORE_OK : rc;
		size_t len;
		const unsigned char *data = col_ptr(r, 0, 1, &len);
		seq = col_int(r, 0, 0);
		int stop = cb(arg, seq, data, len);
		PQclear(r);
		if (stop)
			return STORE_OK;
	}
}

static int pg_files_sweep(void *cls, int64_t before, int64_t *n)
{
	struct params p = { 0 };
	p_int(&p, before);
	return exec_n(cls, "DELETE FROM files WHERE report_id IS NULL AND staged_at < $1", &p, n);
}

static int pg_event_insert(void *cls, const struct store_event *e)
{
	struct params p = { 0 };
	p_text(&p, e->id);
	p_text(&p, e->report_id);
	p_int(&p, e->at);
	p_text(&p, e->status);
	p_text(&p, e->actor_id);
	p_opt_blob(&p, e->reason != NULL, e->reason, e->reason_len);
	p_opt_blob(&p, e->internal != NULL, e->internal, e->internal_len);
	return exec(cls, "INSERT INTO report_events (id, report_id, seq, at, status, actor_id, reason, "
	                 "internal) VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM "
	                 "report_events WHERE report_id = $2), $3, $4, $5, $6, $7)", &p);
}

static int pg_events_each(void *cls, const char *report_id, store_event_cb cb, void *arg)
{
	PGresult *r;
	int rc = query_by(cls, "SELECT id, report_id, seq, at, status, actor_id, reason, internal "
	                       "FROM report_events WHERE report_id = $1 ORDER BY seq", report_id, &r);
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		struct store_event e = { 0 };
		col_text(e.id, sizeof e.id, r, i, 0);
		col_text(e.report_id, sizeof e.report_id, r, i, 1);
		e.seq = col_int(r, i, 2);
		e.at = col_int(r, i, 3);
		col_text(e.status, sizeof e.status, r, i, 4);
		col_text(e.actor_id, sizeof e.actor_id, r, i, 5);
		e.reason = col_ptr(r, i, 6, &e.reason_len);
		e.internal = col_ptr(r, i, 7, &e.internal_len);
		if (cb(arg, &e) != 0)
			break;
	}
	PQclear(r);
	return rc;
}

static int pg_reporter_session_insert(void *cls, const unsigned char lookup[32],
                                      const char *report_id, int64_t now,
                                      const unsigned char *secrets, size_t len)
{
	struct params p = { 0 };
	p_blob(&p, lookup, 32);
	p_text(&p, report_id);
	p_int(&p, now);
	p_blob(&p, secrets, len);
	return exec(cls, "INSERT INTO reporter_sessions (lookup, report_id, last_seen, secrets) "
	                 "VALUES ($1, $2, $3, $4)", &p);
}

static int pg_reporter_session_get(void *cls, const unsigned char lookup[32],
                                   char report_id[ID_CHARS + 1], int64_t *last_seen,
                                   unsigned char *secrets, size_t len)
{
	struct params p = { 0 };
	PGresult *r;
	p_blob(&p, lookup, 32);
	int rc = one(cls, "SELECT report_id, last_seen, secrets FROM reporter_sessions WHERE "
	                  "lookup = $1", &p, &r);
	if (rc == STORE_OK) {
		col_text(report_id, ID_CHARS + 1, r, 0, 0);
		*last_seen = col_int(r, 0, 1);
		col_blob(secrets, len, r, 0, 2);
	}
	PQclear(r);
	return rc;
}

static int pg_reporter_session_touch(void *cls, const unsigned char lookup[32], int64_t now)
{
	return exec_key_int(cls, "UPDATE reporter_sessions SET last_seen = $2 WHERE lookup = $1",
	                    lookup, 32, now);
}

static int pg_reporter_session_delete(void *cls, const unsigned char lookup[32])
{
	return exec_key(cls, "DELETE FROM reporter_sessions WHERE lookup = $1", lookup, 32);
}

static int pg_reporter_session_purge(void *cls, int64_t idle_before)
{
	struct params p = { 0 };
	p_int(&p, idle_before);
	return exec(cls, "DELETE FROM reporter_sessions WHERE last_seen < $1", &p);
}

/* ---- audit ---- */

static int pg_audit_head(void *cls, int64_t *seq, unsigned char hash[32])
{
	PGresult *r;
	int rc = one(cls, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", NULL, &r);
	*seq = 0;
	memset(hash, 0, 32);
	if (rc == STORE_OK) {
		*seq = col_int(r, 0, 0);
		col_blob(hash, 32, r, 0, 1);
	}
	PQclear(r);
	return rc == STORE_NONE ? STORE_OK : rc;
}

static int pg_audit_insert(void *cls, const struct store_audit *e)
{
	struct params p = { 0 };
	p_int(&p, e->seq);
	p_int(&p, e->at);
	p_text(&p, e->actor_id);
	p_text(&p, e->actor);
	p_text(&p, e->action);
	p_text(&p, e->subject);
	p_text(&p, e->detail);
	p_blob(&p, e->prev, sizeof e->prev);
	p_blob(&p, e->hash, sizeof e->hash);
	return exec(cls, "INSERT INTO audit (seq, at, actor_id, actor, action, subject, detail, prev, "
	                 "hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", &p);
}

#define AUDIT_COLS "seq, at, actor_id, actor, action, subject, detail, prev, hash"

/* Calls cb for each row; *last (optional) gets the last row's seq. 1 when cb stopped. */
static int audit_rows(const PGresult *r, store_audit_cb cb, void *arg, int64_t *last)
{
	struct store_audit e;
	for (int i = 0; i < PQntuples(r); i++) {
		e.seq = col_int(r, i, 0);
		e.at = col_int(r, i, 1);
		col_text(e.actor_id, sizeof e.actor_id, r, i, 2);
		col_text(e.actor, sizeof e.actor, r, i, 3);
		col_text(e.action, sizeof e.action, r, i, 4);
		col_text(e.subject, sizeof e.subject, r, i, 5);
		col_text(e.detail, sizeof e.detail, r, i, 6);
		col_blob(e.prev, sizeof e.prev, r, i, 7);
		col_blob(e.hash, sizeof e.hash, r, i, 8);
		if (last)
			*last = e.seq;
		if (cb(arg, &e) != 0)
			return 1;
	}
	return 0;
}

/* The whole trail in pages by key, so that memory stays bounded however long it grows. */
static int pg_audit_each(void *cls, store_audit_cb cb, void *arg)
{
	enum { PAGE = 1000 };
	int64_t last = 0;
	for (;;) {
		struct params p = { 0 };
		PGresult *r;
		p_int(&p, last);
		p_int(&p, PAGE);
		int rc = query(cls, "SELECT " AUDIT_COLS " FROM audit WHERE seq > $1 ORDER BY seq "
		                    "LIMIT $2", &p, true, &r);
		if (rc != STORE_OK)
			return rc;
		int n = PQntuples(r), stop = audit_rows(r, cb, arg, &last);
		PQclear(r);
		if (stop || n < PAGE)
			return STORE_OK;
	}
}

/* The filter: $1 actor, $2 action, $3 subject, $4 from, $5 to (NULL: any). */
#define AUDIT_WHERE " WHERE ($1::text IS NULL OR actor = $1::text) AND ($2::text IS NULL OR " \
                    "action = $2::text) AND ($3::text IS NULL OR subject = $3::text) AND "     \
                    "($4::bigint IS NULL OR at >= $4::bigint) AND ($5::bigint IS NULL OR "     \
                    "at <= $5::bigint)"

static void bind_filter(struct params *p, const struct store_audit_filter *f)
{
	p_text(p, f->actor);
	p_text(p, f->action);
	p_text(p, f->subject);
	if (f->from)
		p_int(p, f->from);
	else
		p_text(p, NULL);
	if (f->to)
		p_int(p, f->to);
	else
		p_text(p, NULL);
}

static int pg_audit_page(void *cls, const struct store_audit_filter *f, int64_t offset,
                         int64_t limit, store_audit_cb cb, void *arg, int64_t *total)
{
	struct params p = { 0 };
	PGresult *r;
	bind_filter(&p, f);
	int rc = one(cls, "SELECT count(*) FROM audit" AUDIT_WHERE, &p, &r);
	*total = rc == STORE_OK ? col_int(r, 0, 0) : 0;
	PQclear(r);
	if (rc != STORE_OK)
		return rc == STORE_NONE ? STORE_ERR : rc;
	p_int(&p, limit);
	p_int(&p, offset);
	rc = query(cls, "SELECT " AUDIT_COLS " FROM audit" AUDIT_WHERE " ORDER BY seq DESC LIMIT $6 "
	                "OFFSET $7", &p, true, &r);
	if (rc == STORE_OK)
		audit_rows(r, cb, arg, NULL);
	PQclear(r);
	return rc;
}

static int pg_audit_sig_insert(void *cls, const struct store_audit_sig *s)
{
	struct params p = { 0 };
	p_int(&p, s->seq);
	p_text(&p, s->signer_id);
	p_int(&p, s->signed_at);
	p_blob(&p, s->sig, sizeof s->sig);
	return exec(cls, "INSERT INTO audit_sigs (seq, signer_id, signed_at, sig) VALUES ($1, $2, $3, "
	                 "$4) ON CONFLICT (seq, signer_id) DO UPDATE SET signed_at = "
	                 "excluded.signed_at, sig = excluded.sig", &p);
}

static int pg_audit_sig_each(void *cls, store_audit_sig_cb cb, void *arg)
{
	PGresult *r;
	int rc = query(cls, "SELECT seq, signer_id, signed_at, sig FROM audit_sigs ORDER BY seq",
	               NULL, true, &r);
	struct store_audit_sig s;
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		s.seq = col_int(r, i, 0);
		col_text(s.signer_id, sizeof s.signer_id, r, i, 1);
		s.signed_at = col_int(r, i, 2);
		col_blob(s.sig, sizeof s.sig, r, i, 3);
		if (cb(arg, &s) != 0)
			break;
	}
	PQclear(r);
	return rc;
}

static int pg_audit_last_signed(void *cls, bool server, int64_t *seq)
{
	PGresult *r;
	int rc = one(cls, server ? "SELECT max(seq) FROM audit_sigs WHERE signer_id = ''"
	                         : "SELECT max(seq) FROM audit_sigs WHERE signer_id <> ''", NULL, &r);
	*seq = rc == STORE_OK ? col_int(r, 0, 0) : 0;
	PQclear(r);
	return rc == STORE_NONE ? STORE_ERR : rc;
}

static int pg_audit_pending_insert(void *cls, const char *action, const char *subject)
{
	return exec_text(cls, "INSERT INTO audit_pending (action, subject) VALUES ($1, $2)", action,
	                 subject);
}

/* Takes exactly the rows it deletes: an entry queued meanwhile by another server stays for
 * the next batch. */
static int pg_audit_pending_take(void *cls, store_pending_cb cb, void *arg)
{
	PGresult *r;
	int rc = query(cls, "WITH d AS (DELETE FROM audit_pending RETURNING id, action, subject) "
	                    "SELECT action, subject FROM d ORDER BY id", NULL, true, &r);
	char action[64], subject[256];
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		col_text(action, sizeof action, r, i, 0);
		col_text(subject, sizeof subject, r, i, 1);
		rc = cb(arg, action, subject);
	}
	PQclear(r);
	return rc;
}

/* ---- case handling ---- */

#define FINAL_STATUSES "('forwarded','closed_substantiated','closed_unsubstantiated','rejected')"
/* Past a deadline not met (API.md "Deadlines"); %1$s is the parameter of today's WIB date. */
#define OVERDUE_FMT "((r.status = 'received' AND r.ack_due < %1$s) OR (r.status NOT IN " \
                    FINAL_STATUSES " AND r.due < %1$s))"

/* Appends to a fixed buffer (the inbox query is assembled from known pieces only). */
static void cat(char *buf, size_t len, const char *piece)
{
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "%s", piece);
}

/* Appends " AND <col> = $N" and binds v as $N. */
static void where_eq(char *sql, size_t len, struct params *p, const char *col, const char *v)
{
	char piece[80];
	p_text(p, v);
	snprintf(piece, sizeof piece, " AND %s = $%d", col, p->n);
	cat(sql, len, piece);
}

/* Filters as SQL over `r` (reports), each only when set, their values bound after $1 (the
 * reader): PostgreSQL wants every parameter it is given to be used. */
static void inbox_where(char *sql, size_t len, struct params *p,
                        const struct store_inbox_filter *f)
{
	if (f->status)
		where_eq(sql, len, p, "r.status", f->status);
	if (f->category)
		where_eq(sql, len, p, "r.category", f->category);
	if (f->kecamatan)
		where_eq(sql, len, p, "r.kecamatan", f->kecamatan);
	if (f->assignee)
		where_eq(sql, len, p, "r.assignee", f->assignee);
	if (f->number)
		where_eq(sql, len, p, "r.number", f->number);
	if (f->overdue) {
		char num[24], piece[400];
		p_text(p, f->today);
		snprintf(num, sizeof num, "$%d::text", p->n);
		snprintf(piece, sizeof piece, " AND " OVERDUE_FMT, num);
		cat(sql, len, piece);
	}
}

/* How many report keys a reader holds, and how many reports there are. A reader who holds a
 * key of every report (the usual case: routing seals each report to every reader) needs no
 * key probed at all; one who holds few walks their keys; otherwise the reports are walked in
 * the order asked, probing the key. Both counts are kept by triggers (key_counts,
 * report_total: see pg/005_cases.sql), exact, so held == all means every report. */
static int reader_scope(struct pg *q, const char *user_id, int64_t *held, int64_t *all)
{
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, user_id);
	int rc = one(q, "SELECT coalesce((SELECT n FROM key_counts WHERE holder = $1), 0), "
	                "coalesce((SELECT n FROM report_total), 0)", &p, &r);
	*held = rc == STORE_OK ? col_int(r, 0, 0) : 0;
	*all = rc == STORE_OK ? col_int(r, 0, 1) : 0;
	PQclear(r);
	return rc == STORE_NONE ? STORE_ERR : rc;
}

static int inbox_page_in(void *cls, const struct store_inbox_filter *f, int64_t offset,
                         int64_t limit, store_inbox_cb cb, void *arg, int64_t *total)
{
	struct pg *q = cls;
	int64_t held, all;
	*total = 0;
	int rc = reader_scope(q, f->user_id, &held, &all);
	if (rc != STORE_OK)
		return rc;
	const char *from = held == all ? " FROM reports r WHERE $1::text IS NOT NULL"
	                 : held * 4 < all
		? " FROM report_keys k JOIN reports r ON r.id = k.report_id WHERE k.holder = $1"
		: " FROM reports r WHERE EXISTS (SELECT 1 FROM report_keys k WHERE k.report_id = r.id "
		  "AND k.holder = $1)";
	struct params p = { 0 };
	p_text(&p, f->user_id);
	char where[1024] = "";
	inbox_where(where, sizeof where, &p, f);
	bool filtered = f->status || f->category || f->kecamatan || f->assignee || f->number ||
	                f->overdue;
	PGresult *r;
	char sql[2048];
	if (!filtered) {
		*total = held;
	} else {
		snprintf(sql, sizeof sql, "SELECT count(*)%s%s", from, where);
		if ((rc = query(q, sql, &p, false, &r)) != STORE_OK)
			return rc;
		*total = PQntuples(r) == 1 ? col_int(r, 0, 0) : 0;
		PQclear(r);
	}
	const char *order = f->sort == INBOX_OLDEST ? " ORDER BY r.number"
	                  : f->sort == INBOX_DUE ? " ORDER BY r.due, r.number"
	                                         : " ORDER BY r.number DESC";
	p_int(&p, limit);
	p_int(&p, offset);
	snprintf(sql, sizeof sql,
	         "SELECT r.id, r.number, r.category, r.status, r.created_on, r.ack_due, r.due, "
	         "r.acked_on, r.closed_on, coalesce(r.assignee, ''), coalesce((SELECT name FROM users "
	         "WHERE id = r.assignee), ''), r.files, r.reporter_messages - coalesce((SELECT "
	         "messages FROM report_seen WHERE report_id = r.id AND user_id = $1), 0)%s%s%s "
	         "LIMIT $%d OFFSET $%d", from, where, order, p.n - 1, p.n);
	/* The whole page arrives first: the callback may query the store. */
	if ((rc = query(q, sql, &p, false, &r)) != STORE_OK)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct store_inbox_item it;
		col_text(it.id, sizeof it.id, r, i, 0);
		col_text(it.number, sizeof it.number, r, i, 1);
		col_text(it.category, sizeof it.category, r, i, 2);
		col_text(it.status, sizeof it.status, r, i, 3);
		col_text(it.created_on, sizeof it.created_on, r, i, 4);
		col_text(it.ack_due, sizeof it.ack_due, r, i, 5);
		col_text(it.due, sizeof it.due, r, i, 6);
		col_text(it.acked_on, sizeof it.acked_on, r, i, 7);
		col_text(it.closed_on, sizeof it.closed_on, r, i, 8);
		col_text(it.assignee, sizeof it.assignee, r, i, 9);
		col_text(it.assignee_name, sizeof it.assignee_name, r, i, 10);
		it.files = col_int(r, i, 11);
		it.unread = col_int(r, i, 12);
		if (cb(arg, &it) != 0)
			break;
	}
	PQclear(r);
	return STORE_OK;
}

#define COUNTS_OVERDUE "count(*) FILTER (WHERE ((r.status = 'received' AND r.ack_due < $2) OR " \
                       "(r.status NOT IN " FINAL_STATUSES " AND r.due < $2)))"

static int inbox_counts_in(void *cls, const char *user_id, const char *today, store_count_cb cb,
                           void *arg)
{
	struct pg *q = cls;
	int64_t held, all;
	int rc = reader_scope(q, user_id, &held, &all);
	if (rc != STORE_OK)
		return rc;
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, user_id);
	p_text(&p, today);
	rc = query(q, held == all
	           ? "SELECT r.status, count(*), " COUNTS_OVERDUE " FROM reports r WHERE $1::text IS "
	             "NOT NULL GROUP BY r.status ORDER BY r.status"
	           : "SELECT r.status, count(*), " COUNTS_OVERDUE " FROM report_keys k JOIN reports r "
	             "ON r.id = k.report_id WHERE k.holder = $1 GROUP BY r.status ORDER BY r.status",
	           &p, true, &r);
	if (rc != STORE_OK)
		return rc;
	int64_t overdue = 0;
	char status[32];
	for (int i = 0; i < PQntuples(r); i++) {
		overdue += col_int(r, i, 2);
		col_text(status, sizeof status, r, i, 0);
		if (cb(arg, status, col_int(r, i, 1)) != 0)
			break;
	}
	PQclear(r);
	return cb(arg, "overdue", overdue) == 0 ? STORE_OK : STORE_ERR;
}

static int pg_report_update(void *cls, const struct store_report *r)
{
	struct params p = { 0 };
	p_text(&p, r->status);
	p_text(&p, r->acked_on);
	p_text(&p, r->closed_on);
	p_text(&p, r->assignee[0] ? r->assignee : NULL);
	p_text(&p, r->id);
	return exec(cls, "UPDATE reports SET status = $1, acked_on = $2, closed_on = $3, assignee = $4 "
	                 "WHERE id = $5", &p);
}

static int pg_report_seen(void *cls, const char *report_id, const char *user_id, int64_t messages)
{
	struct params p = { 0 };
	p_text(&p, report_id);
	p_text(&p, user_id);
	p_int(&p, messages);
	return exec(cls, "INSERT INTO report_seen (report_id, user_id, messages) VALUES ($1, $2, $3) "
	                 "ON CONFLICT (report_id, user_id) DO UPDATE SET messages = excluded.messages "
	                 "WHERE report_seen.messages <> excluded.messages", &p);
}

static int pg_report_key_get(void *cls, const char *report_id, const char *holder,
                             struct store_report_key *out)
{
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, report_id);
	p_text(&p, holder);
	int rc = one(cls, "SELECT " REPORT_KEY_COLS " FROM report_keys WHERE report_id = $1 AND "
	                  "holder = $2", &p, &r);
	if (rc == STORE_OK)
		read_report_key(r, 0, out);
	PQclear(r);
	return rc;
}

static int pg_report_keys_each(void *cls, const char *report_id,
                               int (*cb)(void *arg, const struct store_report_key *k), void *arg)
{
	PGresult *r;
	int rc = query_by(cls, "SELECT " REPORT_KEY_COLS " FROM report_keys WHERE report_id = $1 "
	                       "ORDER BY since, arrival", report_id, &r);
	struct store_report_key k;
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		read_report_key(r, i, &k);
		if (cb(arg, &k) != 0)
			break;
	}
	PQclear(r);
	return rc;
}

static int pg_note_insert(void *cls, const struct store_note *n)
{
	struct params p = { 0 };
	p_text(&p, n->id);
	p_text(&p, n->report_id);
	p_text(&p, n->author_id);
	p_int(&p, n->at);
	p_blob(&p, n->body, n->body_len);
	return exec(cls, "INSERT INTO notes (id, report_id, author_id, at, body) VALUES ($1, $2, $3, "
	                 "$4, $5)", &p);
}

static int pg_notes_each(void *cls, const char *report_id, store_note_cb cb, void *arg)
{
	PGresult *r;
	int rc = query_by(cls, "SELECT id, report_id, author_id, at, body FROM notes WHERE "
	                       "report_id = $1 ORDER BY at, arrival", report_id, &r);
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		struct store_note n = { 0 };
		col_text(n.id, sizeof n.id, r, i, 0);
		col_text(n.report_id, sizeof n.report_id, r, i, 1);
		col_text(n.author_id, sizeof n.author_id, r, i, 2);
		n.at = col_int(r, i, 3);
		n.body = col_ptr(r, i, 4, &n.body_len);
		if (cb(arg, &n) != 0)
			break;
	}
	PQclear(r);
	return rc;
}

static int pg_idreq_insert(void *cls, const struct store_idreq *q)
{
	struct params p = { 0 };
	p_text(&p, q->id);
	p_text(&p, q->report_id);
	p_text(&p, q->requester_id);
	p_int(&p, q->at);
	p_blob(&p, q->reason, q->reason_len);
	p_text(&p, q->state);
	return exec(cls, "INSERT INTO identity_requests (id, report_id, requester_id, at, reason, "
	                 "state) VALUES ($1, $2, $3, $4, $5, $6)", &p);
}

static int pg_idreq_update(void *cls, const struct store_idreq *q)
{
	struct params p = { 0 };
	p_text(&p, q->state);
	p_text(&p, q->decided_by[0] ? q->decided_by : NULL);
	p_int(&p, q->decided_at);
	p_opt_blob(&p, q->decision != NULL, q->decision, q->decision_len);
	p_text(&p, q->id);
	return exec(cls, "UPDATE identity_requests SET state = $1, decided_by = $2, decided_at = $3, "
	                 "decision = $4 WHERE id = $5", &p);
}

#define IDREQ_COLS "i.id, i.report_id, r.number, i.requester_id, i.at, i.state, " \
                   "coalesce(i.decided_by, ''), i.decided_at, i.reason, i.decision"

/* blobs: reason and decision point into r (borrowed while it lives). */
static void read_idreq(const PGresult *r, int i, struct store_idreq *o, bool blobs)
{
	memset(o, 0, sizeof *o);
	col_text(o->id, sizeof o->id, r, i, 0);
	col_text(o->report_id, sizeof o->report_id, r, i, 1);
	col_text(o->number, sizeof o->number, r, i, 2);
	col_text(o->requester_id, sizeof o->requester_id, r, i, 3);
	o->at = col_int(r, i, 4);
	col_text(o->state, sizeof o->state, r, i, 5);
	col_text(o->decided_by, sizeof o->decided_by, r, i, 6);
	o->decided_at = col_int(r, i, 7);
	if (blobs) {
		o->reason = col_ptr(r, i, 8, &o->reason_len);
		o->decision = col_ptr(r, i, 9, &o->decision_len);
	}
}

static int pg_idreq_get(void *cls, const char *id, struct store_idreq *out)
{
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, id);
	int rc = one(cls, "SELECT " IDREQ_COLS " FROM identity_requests i JOIN reports r ON r.id = "
	                  "i.report_id WHERE i.id = $1", &p, &r);
	if (rc == STORE_OK)
		read_idreq(r, 0, out, false);
	PQclear(r);
	return rc;
}

/* The whole result arrives before the first callback, so that the callback may query the
 * store (case_work.c opens each request's report). */
static int pg_idreqs_each(void *cls, const char *report_id, const char *state, store_idreq_cb cb,
                          void *arg)
{
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, report_id);
	p_text(&p, state);
	int rc = query(cls, "SELECT " IDREQ_COLS " FROM identity_requests i JOIN reports r ON r.id = "
	                    "i.report_id WHERE ($1::text IS NULL OR i.report_id = $1::text) AND "
	                    "($2::text IS NULL OR i.state = $2::text) ORDER BY i.at DESC, "
	                    "i.arrival DESC", &p, true, &r);
	struct store_idreq o;
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		read_idreq(r, i, &o, true);
		if (cb(arg, &o) != 0)
			break;
	}
	PQclear(r);
	return rc;
}

static int pg_file_get(void *cls, const char *file_id, struct store_file *f)
{
	PGresult *r;
	struct params p = { 0 };
	p_text(&p, file_id);
	int rc = one(cls, "SELECT id, coalesce(report_id, ''), staged_at, added_at, added_by, size, "
	                  "chunks, stream_key, header, meta FROM files WHERE id = $1", &p, &r);
	if (rc == STORE_OK) {
		memset(f, 0, sizeof *f);
		col_text(f->id, sizeof f->id, r, 0, 0);
		col_text(f->report_id, sizeof f->report_id, r, 0, 1);
		f->staged_at = col_int(r, 0, 2);
		f->added_at = col_int(r, 0, 3);
		col_text(f->added_by, sizeof f->added_by, r, 0, 4);
		f->size = col_int(r, 0, 5);
		f->chunks = col_int(r, 0, 6);
		col_blob(f->stream_key, sizeof f->stream_key, r, 0, 7);
		col_blob(f->header, sizeof f->header, r, 0, 8);
		f->meta = col_dup(r, 0, 9, &f->meta_len);
	}
	PQclear(r);
	return rc;
}

static int pg_file_chunk_get(void *cls, const char *file_id, int64_t seq, unsigned char *buf,
                             size_t cap, size_t *len)
{
	struct params p = { 0 };
	PGresult *r;
	p_text(&p, file_id);
	p_int(&p, seq);
	*len = 0;
	int rc = one(cls, "SELECT data FROM file_chunks WHERE file_id = $1 AND seq = $2", &p, &r);
	if (rc == STORE_OK) {
		size_t n;
		const unsigned char *data = col_ptr(r, 0, 0, &n);
		if (n > cap) {
			rc = STORE_ERR;
		} else {
			if (n && data)
				memcpy(buf, data, n);
			*len = n;
		}
	}
	PQclear(r);
	return rc;
}

static int pg_audit_subject_each(void *cls, const char *subject, store_audit_cb cb, void *arg)
{
	PGresult *r;
	int rc = query_by(cls, "SELECT " AUDIT_COLS " FROM audit WHERE subject = $1 ORDER BY seq",
	                  subject, &r);
	if (rc == STORE_OK)
		audit_rows(r, cb, arg, NULL);
	PQclear(r);
	return rc;
}

/* The inbox reads the reader's key count and then the reports in one snapshot, so a report
 * filed in between (perhaps not sealed to this reader) cannot slip into a plan that trusts
 * the count. Read-only: it takes no write lock. */
static int snapshot_begin(struct pg *q)
{
	int rc = exec(q, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL);
	struct conn *c = pthread_getspecific(q->key);
	if (rc == STORE_OK && c)
		c->in_tx = true;
	return rc;
}

static int snapshot_end(struct pg *q, int rc)
{
	if (rc != STORE_OK) {
		pg_rollback(q);
		return rc;
	}
	return pg_commit(q);
}

static int pg_inbox_page(void *cls, const struct store_inbox_filter *f, int64_t offset,
                         int64_t limit, store_inbox_cb cb, void *arg, int64_t *total)
{
	int rc = snapshot_begin(cls);
	if (rc == STORE_OK)
		rc = snapshot_end(cls, inbox_page_in(cls, f, offset, limit, cb, arg, total));
	return rc;
}

static int pg_inbox_counts(void *cls, const char *user_id, const char *today, store_count_cb cb,
                           void *arg)
{
	int rc = snapshot_begin(cls);
	if (rc == STORE_OK)
		rc = snapshot_end(cls, inbox_counts_in(cls, user_id, today, cb, arg));
	return rc;
}

/* ---- whole-instance copy (the target side) ---- */

static int pg_table_insert(void *cls, const struct store_table *t, const struct store_value *row)
{
	struct params p = { 0 };
	char sql[1024];
	int n = snprintf(sql, sizeof sql, "INSERT INTO %s (%s) VALUES (", t->name, t->cols);
	for (int i = 0; i < t->ncols && n < (int)sizeof sql; i++) {
		const struct store_value *v = &row[i];
		if (v->type == STORE_V_INT)
			p_int(&p, v->i);
		else if (v->type == STORE_V_BLOB)
			p_blob(&p, v->p, v->len);
		else
			p_text(&p, v->type == STORE_V_TEXT ? v->p : NULL);
		n += snprintf(sql + n, sizeof sql - (size_t)n, "%s$%d", i ? ", " : "", i + 1);
	}
	if (n + 2 >= (int)sizeof sql)
		return STORE_ERR;
	strcat(sql, ")");
	PGresult *r;
	int rc = query(cls, sql, &p, false, &r);
	PQclear(r);
	return rc;
}

static int pg_table_count(void *cls, const struct store_table *t, int64_t *n)
{
	char sql[128];
	PGresult *r;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", t->name);
	int rc = query(cls, sql, NULL, false, &r);
	*n = rc == STORE_OK ? col_int(r, 0, 0) : 0;
	PQclear(r);
	return rc;
}

static void pg_close(struct store *s)
{
	struct pg *q = (struct pg *)s;
	conn_free(pthread_getspecific(q->key));
	pthread_setspecific(q->key, NULL);
	pthread_key_delete(q->key);
	free(q);
}

struct store *store_pg_open(const char *url, char *err, size_t errlen)
{
	struct pg *q = calloc(1, sizeof *q);
	if (!q || snprintf(q->url, sizeof q->url, "%s", url) >= (int)sizeof q->url ||
	    pthread_key_create(&q->key, conn_free) != 0) {
		snprintf(err, errlen, "out of memory or database URL too long");
		free(q);
		return NULL;
	}
	/* This thread's connection now, so that a wrong URL or a missing database fails early. */
	struct conn *c = calloc(1, sizeof *c);
	if (!c || !(c->db = connect_db(url, err, errlen))) {
		if (!c)
			snprintf(err, errlen, "out of memory");
		free(c);
		pthread_key_delete(q->key);
		free(q);
		return NULL;
	}
	pthread_setspecific(q->key, c);
	q->store = (struct store){
		.cls = q,
		.backend = "postgresql",
		.migrate = pg_migrate,
		.schema_check = pg_schema_check,
		.ping = pg_ping,
		.begin = pg_begin,
		.commit = pg_commit,
		.rollback = pg_rollback,
		.durable = pg_durable,
		.user_insert = pg_user_insert,
		.user_by_username = pg_user_by_username,
		.user_by_id = pg_user_by_id,
		.user_list = pg_user_list,
		.readers = pg_readers,
		.users_pending = pg_users_pending,
		.users_unconfirm_signed_by = pg_users_unconfirm_signed_by,
		.user_update = pg_user_update,
		.sessions_delete_user = pg_sessions_delete_user,
		.org_key_current = pg_org_key_current,
		.org_key_insert = pg_org_key_insert,
		.org_key_retire = pg_org_key_retire,
		.org_copy_put = pg_org_copy_put,
		.org_copy_get = pg_org_copy_get,
		.org_copy_holders = pg_org_copy_holders,
		.key_copies_delete_user = pg_key_copies_delete_user,
		.org_key_retired_in_use = pg_org_key_retired_in_use,
		.org_key_delete = pg_org_key_delete,
		.report_keys_of = pg_report_keys_of,
		.report_key_delete = pg_report_key_delete,
		.report_set_org_key = pg_report_set_org_key,
		.setting_get = pg_setting_get,
		.setting_put = pg_setting_put,
		.session_insert = pg_session_insert,
		.session_get = pg_session_get,
		.session_touch = pg_session_touch,
		.session_delete = pg_session_delete,
		.session_purge = pg_session_purge,
		.report_insert = pg_report_insert,
		.report_by_id = pg_report_by_id,
		.report_by_lookup = pg_report_by_lookup,
		.report_by_number = pg_report_by_number,
		.report_count = pg_report_count,
		.case_number_next = pg_case_number_next,
		.report_key_put = pg_report_key_put,
		.message_insert = pg_message_insert,
		.messages_each = pg_messages_each,
		.file_insert = pg_file_insert,
		.file_chunk_put = pg_file_chunk_put,
		.file_touch = pg_file_touch,
		.file_finish = pg_file_finish,
		.file_attach = pg_file_attach,
		.files_each = pg_files_each,
		.file_chunks_each = pg_file_chunks_each,
		.files_sweep = pg_files_sweep,
		.event_insert = pg_event_insert,
		.events_each = pg_events_each,
		.inbox_page = pg_inbox_page,
		.inbox_counts = pg_inbox_counts,
		.report_update = pg_report_update,
		.report_seen = pg_report_seen,
		.report_key_get = pg_report_key_get,
		.report_keys_each = pg_report_keys_each,
		.note_insert = pg_note_insert,
		.notes_each = pg_notes_each,
		.idreq_insert = pg_idreq_insert,
		.idreq_update = pg_idreq_update,
		.idreq_get = pg_idreq_get,
		.idreqs_each = pg_idreqs_each,
		.file_get = pg_file_get,
		.file_chunk_get = pg_file_chunk_get,
		.audit_subject_each = pg_audit_subject_each,
		.reporter_session_insert = pg_reporter_session_insert,
		.reporter_session_get = pg_reporter_session_get,
		.reporter_session_touch = pg_reporter_session_touch,
		.reporter_session_delete = pg_reporter_session_delete,
		.reporter_session_purge = pg_reporter_session_purge,
		.audit_head = pg_audit_head,
		.audit_insert = pg_audit_insert,
		.audit_each = pg_audit_each,
		.audit_page = pg_audit_page,
		.audit_sig_insert = pg_audit_sig_insert,
		.audit_sig_each = pg_audit_sig_each,
		.audit_last_signed = pg_audit_last_signed,
		.audit_pending_insert = pg_audit_pending_insert,
		.audit_pending_take = pg_audit_pending_take,
		.optimize = NULL, /* autovacuum analyzes */
		.table_insert = pg_table_insert,
		.table_count = pg_table_count,
		.close = pg_close,
	};
	return &q->store;
}
