/* test_pg_store.c: the PostgreSQL store (pg.c) on a real database, as two servers would use
 * it: two stores on one database, threads writing through store_tx at once. Runs with
 * $PELUIT_TEST_PG (a base URL, postgresql://USER@HOST:PORT; scripts/run-tests sets it), in a
 * database of its own; without it, runs nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "store/store.h"

static char base[256], dbname[64];
static struct store *s1, *s2; /* two "servers" */

static int admin(const char *sql)
{
	char url[400];
	snprintf(url, sizeof url, "%s/postgres", base);
	PGconn *c = PQconnectdb(url);
	PGresult *r = PQexec(c, sql);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	char sql[128], url[400], err[256];
	snprintf(dbname, sizeof dbname, "u_%d", (int)getpid());
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
	if (sodium_init() < 0 || admin(sql) != 0)
		return -1;
	snprintf(url, sizeof url, "%s/%s", base, dbname);
	s1 = store_open(url, "/nonexistent", false, err, sizeof err);
	s2 = store_open(url, "/nonexistent", false, err, sizeof err);
	int from, to, have, want;
	if (!s1 || !s2 || s1->migrate(s1->cls, &from, &to) != STORE_OK || from != 0 || to < 4 ||
	    s2->schema_check(s2->cls, &have, &want) != STORE_OK || have != to)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char sql[128];
	s1->close(s1);
	s2->close(s2);
	snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", dbname);
	return admin(sql);
}

static void make_user(struct store_user *u, const char *username)
{
	memset(u, 0, sizeof *u);
	crypto_random_id(u->id);
	snprintf(u->username, sizeof u->username, "%s", username);
	snprintf(u->name, sizeof u->name, "Name of %s", username);
	snprintf(u->role, sizeof u->role, "investigator");
	u->created_at = 1700000000;
	u->pw_version = PW_CURRENT;
	randombytes_buf(u->pw_salt, sizeof u->pw_salt);
	randombytes_buf(u->pw_verifier, sizeof u->pw_verifier);
}

static void test_rows_and_codes(void **state)
{
	(void)state;
	struct store_user u, got;
	make_user(&u, "rina");
	u.has_keys = true;
	randombytes_buf(u.sk_pw, sizeof u.sk_pw);
	memset(u.enc_pk, 0, sizeof u.enc_pk); /* NUL bytes survive */
	assert_int_equal(s1->user_insert(s1->cls, &u), STORE_OK);
	assert_int_equal(s2->user_insert(s2->cls, &u), STORE_DUP);
	assert_int_equal(s2->user_by_username(s2->cls, "rina", &got), STORE_OK);
	assert_memory_equal(got.sk_pw, u.sk_pw, sizeof u.sk_pw);
	assert_memory_equal(got.pw_verifier, u.pw_verifier, sizeof u.pw_verifier);
	assert_true(got.has_keys && !got.has_cert && !got.totp_enabled);
	assert_int_equal(got.created_at, 1700000000);
	assert_int_equal(s2->user_by_id(s2->cls, "no-such-id", &got), STORE_NONE);
	make_user(&got, "ghost");
	assert_int_equal(s1->user_update(s1->cls, &got), STORE_NONE);
	char v[64];
	assert_int_equal(s1->setting_get(s1->cls, "k", v, sizeof v), STORE_NONE);
	assert_int_equal(s1->setting_put(s1->cls, "k", "1"), STORE_OK);
	assert_int_equal(s2->setting_put(s2->cls, "k", "\"two\""), STORE_OK);
	assert_int_equal(s1->setting_get(s1->cls, "k", v, sizeof v), STORE_OK);
	assert_string_equal(v, "\"two\"");
	int64_t n = -1;
	assert_int_equal(s1->audit_last_signed(s1->cls, true, &n), STORE_OK);
	assert_int_equal(n, 0);
}

/* ---- a file in chunks, read back one at a time ---- */

enum { CHUNKS = 24, CHUNK = 65536 + 17 };

static unsigned char *chunk_data(int64_t seq)
{
	static unsigned char buf[CHUNK];
	unsigned char seed[randombytes_SEEDBYTES] = { (unsigned char)seq };
	randombytes_buf_deterministic(buf, sizeof buf, seed);
	memset(buf, 0, 100); /* NULs in binary data */
	return buf;
}

struct reader {
	int64_t next;
	int64_t stop_at;
	bool bad;
};

static int read_chunk(void *arg, int64_t seq, const unsigned char *data, size_t len)
{
	struct reader *r = arg;
	if (seq != r->next || len != CHUNK || memcmp(data, chunk_data(seq), len) != 0)
		r->bad = true;
	r->next++;
	return seq == r->stop_at;
}

static void test_file_chunks(void **state)
{
	(void)state;
	struct store_file f = { 0 };
	crypto_random_id(f.id);
	snprintf(f.added_by, sizeof f.added_by, "reporter");
	f.staged_at = 1700000000;
	assert_int_equal(s1->file_insert(s1->cls, &f), STORE_OK);
	for (int64_t i = 0; i < CHUNKS; i++)
		assert_int_equal(s1->file_chunk_put(s1->cls, f.id, i, chunk_data(i), CHUNK), STORE_OK);
	assert_int_equal(s1->file_chunk_put(s1->cls, f.id, 3, chunk_data(3), CHUNK), STORE_DUP);
	struct reader r = { .stop_at = -1 };
	assert_int_equal(s2->file_chunks_each(s2->cls, f.id, read_chunk, &r), STORE_OK);
	assert_false(r.bad);
	assert_int_equal(r.next, CHUNKS);
	r = (struct reader){ .stop_at = 4 };
	assert_int_equal(s2->file_chunks_each(s2->cls, f.id, read_chunk, &r), STORE_OK);
	assert_int_equal(r.next, 5);
	/* not finished, so not attachable; swept as abandoned */
	assert_int_equal(s1->file_attach(s1->cls, f.id, "no-report", 0), STORE_NONE);
	int64_t n = 0;
	assert_int_equal(s2->files_sweep(s2->cls, (int64_t)time(NULL) + 10, &n), STORE_OK);
	assert_int_equal(n, 1);
	r = (struct reader){ .stop_at = -1 };
	assert_int_equal(s2->file_chunks_each(s2->cls, f.id, read_chunk, &r), STORE_OK);
	assert_int_equal(r.next, 0);
}

/* ---- both stores writing at once ---- */

struct writer {
	struct store *st;
	int n, ok, chained;
	int64_t numbers[50];
};

static int number_tx(struct store *st, void *arg)
{
	struct writer *w = arg;
	return st->case_number_next(st->cls, 2026, &w->numbers[w->ok]);
}

/* What audit_append does: read the head, append the next entry, in one transaction. */
static int chain_tx(struct store *st, void *arg)
{
	(void)arg;
	struct store_audit e = { 0 };
	unsigned char head[32];
	int rc = st->audit_head(st->cls, &e.seq, head);
	if (rc != STORE_OK)
		return rc;
	e.seq++;
	memcpy(e.prev, head, 32);
	randombytes_buf(e.hash, sizeof e.hash);
	snprintf(e.action, sizeof e.action, "test");
	return st->audit_insert(st->cls, &e);
}

static void *write_numbers(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < w->n; i++) {
		if (store_tx(w->st, number_tx, w) == STORE_OK)
			w->ok++;
		w->chained += store_tx(w->st, chain_tx, NULL) == STORE_OK;
	}
	return NULL;
}

static int prev_ok(void *arg, const struct store_audit *e)
{
	unsigned char *last = arg;
	if (memcmp(e->prev, last, 32) != 0)
		last[32] = 1; /* a fork or a gap */
	memcpy(last, e->hash, 32);
	return 0;
}

static void test_two_servers_write(void **state)
{
	(void)state;
	enum { T = 4, N = 25 };
	pthread_t th[T];
	struct writer w[T];
	for (int i = 0; i < T; i++) {
		w[i] = (struct writer){ .st = i % 2 ? s2 : s1, .n = N };
		assert_int_equal(pthread_create(&th[i], NULL, write_numbers, &w[i]), 0);
	}
	bool seen[T * N + 1] = { false };
	for (int i = 0; i < T; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].ok, N);
		assert_int_equal(w[i].chained, N); /* no head read twice: no duplicate seq */
		for (int k = 0; k < N; k++) {
			int64_t v = w[i].numbers[k];
			assert_true(v >= 1 && v <= T * N);
			assert_false(seen[v]); /* one number, one report */
			seen[v] = true;
		}
	}
	unsigned char last[33] = { 0 };
	assert_int_equal(s1->audit_each(s1->cls, prev_ok, last), STORE_OK);
	assert_int_equal(last[32], 0);
	int64_t seq;
	unsigned char head[32];
	assert_int_equal(s2->audit_head(s2->cls, &seq, head), STORE_OK);
	assert_int_equal(seq, T * N);
}

/* The PostgreSQL migrations make the same tables and columns as the SQLite ones (those
 * store_tables lists; test_store_tables holds SQLite to it), plus only the identity columns
 * that keep the order of arrival and the derived tables (store_derived_tables). */
static void test_same_schema_as_sqlite(void **state)
{
	(void)state;
	char url[400];
	snprintf(url, sizeof url, "%s/%s", base, dbname);
	PGconn *c = PQconnectdb(url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, "SELECT table_name, column_name, is_identity FROM "
	                        "information_schema.columns WHERE table_schema = 'public' AND "
	                        "table_name <> 'peluit_schema'");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	int per_table[64] = { 0 };
	assert_true(store_tables_count <= 64);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *t = PQgetvalue(r, i, 0), *col = PQgetvalue(r, i, 1);
		size_t d = 0;
		while (d < store_derived_tables_count && strcmp(store_derived_tables[d], t) != 0)
			d++;
		if (d < store_derived_tables_count)
			continue; /* kept by triggers, never copied */
		size_t k = 0;
		while (k < store_tables_count && strcmp(store_tables[k].name, t) != 0)
			k++;
		if (k == store_tables_count)
			print_error("table %s is not in store_tables\n", t);
		assert_true(k < store_tables_count);
		if (!strcmp(PQgetvalue(r, i, 2), "YES"))
			continue; /* arrival order */
		char pat[80];
		snprintf(pat, sizeof pat, ", %s,", col);
		char cols[600];
		snprintf(cols, sizeof cols, ", %s,", store_tables[k].cols);
		if (!strstr(cols, pat))
			print_error("column %s.%s is not in store_tables\n", t, col);
		assert_non_null(strstr(cols, pat));
		per_table[k]++;
	}
	for (size_t k = 0; k < store_tables_count; k++)
		assert_int_equal(per_table[k], store_tables[k].ncols);
	PQclear(r);
	PQfinish(c);
}

int main(void)
{
	const char *b = getenv("PELUIT_TEST_PG");
	if (!b || !*b) {
		fprintf(stderr, "test_pg_store: needs PELUIT_TEST_PG; nothing run\n");
		return 0;
	}
	snprintf(base, sizeof base, "%s", b);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_schema_as_sqlite),
		cmocka_unit_test(test_rows_and_codes),
		cmocka_unit_test(test_file_chunks),
		cmocka_unit_test(test_two_servers_write),
	};
	return cmocka_run_group_tests_name("pg_store", tests, setup, teardown);
}
