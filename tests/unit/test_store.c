/* test_store.c: the SQLite store on real files: migrations, users, sessions, and many
 * threads writing at once through store_tx. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"

struct fixture {
	char dir[64];
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/peluit-store-XXXXXX");
	if (!mkdtemp(f->dir) || sodium_init() < 0)
		return -1;
	char err[256];
	f->st = store_open("", f->dir, true, err, sizeof err);
	if (!f->st)
		return -1;
	int from, to;
	if (f->st->migrate(f->st->cls, &from, &to) != STORE_OK || from != 0 || to < 1)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	f->st->close(f->st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void make_user(struct store_user *u, const char *username, const char *role)
{
	memset(u, 0, sizeof *u);
	crypto_random_id(u->id);
	snprintf(u->username, sizeof u->username, "%s", username);
	snprintf(u->name, sizeof u->name, "Name of %s", username);
	snprintf(u->role, sizeof u->role, "%s", role);
	u->created_at = 1700000000;
	u->pw_version = PW_CURRENT;
	randombytes_buf(u->pw_salt, sizeof u->pw_salt);
	randombytes_buf(u->pw_verifier, sizeof u->pw_verifier);
}

static int insert(struct store *st, void *arg)
{
	return st->user_insert(st->cls, arg);
}

static void test_schema(void **state)
{
	struct fixture *f = *state;
	int have, want, from, to;
	assert_int_equal(f->st->schema_check(f->st->cls, &have, &want), STORE_OK);
	assert_int_equal(have, want);
	assert_int_equal(f->st->migrate(f->st->cls, &from, &to), STORE_OK); /* idempotent */
	assert_int_equal(from, to);
	assert_int_equal(f->st->ping(f->st->cls), STORE_OK);
}

static void test_open_missing_without_create(void **state)
{
	(void)state;
	char err[256];
	assert_null(store_open("", "/tmp/peluit-does-not-exist", false, err, sizeof err));
	assert_non_null(strstr(err, "peluit init"));
	assert_null(store_open("mysql://x", "/tmp", false, err, sizeof err));
}

static void test_users(void **state)
{
	struct fixture *f = *state;
	struct store_user u, got, dup;
	make_user(&u, "siti", "supervisor");
	assert_int_equal(store_tx(f->st, insert, &u), STORE_OK);
	make_user(&dup, "siti", "leader");
	assert_int_equal(store_tx(f->st, insert, &dup), STORE_DUP);
	assert_int_equal(f->st->user_by_username(f->st->cls, "siti", &got), STORE_OK);
	assert_string_equal(got.id, u.id);
	assert_string_equal(got.role, "supervisor");
	assert_memory_equal(got.pw_verifier, u.pw_verifier, sizeof u.pw_verifier);
	assert_false(got.confirmed);
	assert_int_equal(f->st->user_by_id(f->st->cls, u.id, &got), STORE_OK);
	assert_int_equal(f->st->user_by_username(f->st->cls, "nobody", &got), STORE_NONE);
	struct store_user bad;
	make_user(&bad, "root", "root"); /* the schema refuses unknown roles too */
	assert_int_equal(store_tx(f->st, insert, &bad), STORE_DUP);
}

static int count_cb(void *arg, const struct store_user *u)
{
	(void)u;
	(*(int *)arg)++;
	return 0;
}

static void test_sessions(void **state)
{
	struct fixture *f = *state;
	struct store_user u;
	make_user(&u, "agus", "investigator");
	assert_int_equal(store_tx(f->st, insert, &u), STORE_OK);
	struct store_session s = { 0 }, got;
	randombytes_buf(s.lookup, sizeof s.lookup);
	snprintf(s.user_id, sizeof s.user_id, "%s", u.id);
	s.created_at = s.last_seen = 1000;
	s.expires_at = 5000;
	assert_int_equal(f->st->session_insert(f->st->cls, &s), STORE_OK);
	assert_int_equal(f->st->session_get(f->st->cls, s.lookup, &got), STORE_OK);
	assert_string_equal(got.user_id, u.id);
	assert_int_equal(got.expires_at, 5000);
	assert_int_equal(f->st->session_touch(f->st->cls, s.lookup, 1500), STORE_OK);
	assert_int_equal(f->st->session_get(f->st->cls, s.lookup, &got), STORE_OK);
	assert_int_equal(got.last_seen, 1500);
	assert_int_equal(f->st->session_purge(f->st->cls, 2000, 1400), STORE_OK); /* still valid */
	assert_int_equal(f->st->session_get(f->st->cls, s.lookup, &got), STORE_OK);
	assert_int_equal(f->st->session_purge(f->st->cls, 2000, 1600), STORE_OK); /* idle */
	assert_int_equal(f->st->session_get(f->st->cls, s.lookup, &got), STORE_NONE);
	int readers = 0;
	assert_int_equal(f->st->readers(f->st->cls, count_cb, &readers), STORE_OK);
	assert_int_equal(readers, 0); /* nobody is confirmed yet */
}

struct writer {
	struct store *st;
	int n, ok;
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < w->n; i++) {
		struct store_user u;
		char name[40];
		snprintf(name, sizeof name, "w%lx-%d", (unsigned long)pthread_self() % 100000, i);
		make_user(&u, name, "leader");
		if (store_tx(w->st, insert, &u) == STORE_OK)
			w->ok++;
	}
	return NULL;
}

/* Eight threads, each with its own connection, insert at once: nothing is lost. */
static void test_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	int before = 0, after = 0;
	f->st->user_list(f->st->cls, count_cb, &before);
	pthread_t t[8];
	struct writer w[8];
	for (int i = 0; i < 8; i++) {
		w[i] = (struct writer){ f->st, 40, 0 };
		pthread_create(&t[i], NULL, write_many, &w[i]);
	}
	int ok = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ok += w[i].ok;
	}
	assert_int_equal(ok, 320);
	f->st->user_list(f->st->cls, count_cb, &after);
	assert_int_equal(after - before, 320);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema),   cmocka_unit_test(test_open_missing_without_create),
		cmocka_unit_test(test_users),    cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_concurrent_writers),
	};
	return cmocka_run_group_tests_name("store", tests, setup, teardown);
}
