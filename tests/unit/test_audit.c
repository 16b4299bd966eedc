/* test_audit.c: the audit chain on a real SQLite file: appending, verification, and every
 * kind of tampering a database writer could try. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit/audit.h"

struct fx {
	char dir[64], db[96];
	struct store *st;
	unsigned char server_pk[32], server_sk[64];
	unsigned char sup_pk[32], sup_sk[64];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/peluit-audit-XXXXXX");
	if (!mkdtemp(f->dir) || crypto_init(1) != 0)
		return -1;
	snprintf(f->db, sizeof f->db, "%s/peluit.db", f->dir);
	char err[256];
	int from, to;
	f->st = store_open("", f->dir, true, err, sizeof err);
	if (!f->st || f->st->migrate(f->st->cls, &from, &to) != STORE_OK)
		return -1;
	crypto_sign_keypair(f->server_pk, f->server_sk);
	crypto_sign_keypair(f->sup_pk, f->sup_sk);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];
	f->st->close(f->st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	int rc = system(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

static int append_tx(struct store *st, void *arg)
{
	return audit_append(st, arg);
}

static void add(struct fx *f, enum audit_action a, const char *subject)
{
	struct audit_event ev = { a, "uid-1", "siti", subject, "detail" };
	assert_int_equal(store_tx(f->st, append_tx, &ev), STORE_OK);
}

/* The test's supervisor is "sup-1" with sup_pk; "gone" is an account whose key changed
 * (skipped); anyone else is a forgery. */
static int signer_pk(void *arg, const char *id, unsigned char pk[32])
{
	struct fx *f = arg;
	if (!strcmp(id, "gone"))
		return AUDIT_SIGNER_UNKNOWN;
	if (strcmp(id, "sup-1") != 0)
		return -1;
	memcpy(pk, f->sup_pk, 32);
	return 0;
}

static struct audit_verdict verify(struct fx *f)
{
	struct audit_verdict v;
	assert_int_equal(audit_verify(f->st, f->server_pk, signer_pk, f, &v), STORE_OK);
	return v;
}

/* Runs SQL straight on the file, as someone with write access to the database would. */
static void tamper(struct fx *f, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	char *msg = NULL;
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK);
	sqlite3_close(db);
}

static void build_chain(struct fx *f, int n)
{
	tamper(f, "DELETE FROM audit; DELETE FROM audit_sigs; DELETE FROM audit_pending;");
	for (int i = 0; i < n; i++)
		add(f, i % 2 ? AUDIT_STAFF_LOGIN : AUDIT_STATUS_CHANGED, "WBS-2026-000001");
}

static void test_intact_chain(void **state)
{
	struct fx *f = *state;
	build_chain(f, 10);
	assert_int_equal(audit_sign_server(f->st, f->server_sk), STORE_OK);
	assert_int_equal(audit_sign_supervisor(f->st, "sup-1", f->sup_sk), STORE_OK);
	struct audit_verdict v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.entries, 10);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.server_signed_through, 10);
	assert_int_equal(v.supervisor_signed_through, 10);
	/* signing an unchanged head again adds nothing */
	assert_int_equal(audit_sign_server(f->st, f->server_sk), STORE_OK);
}

static void test_edit_detected(void **state)
{
	struct fx *f = *state;
	build_chain(f, 10);
	tamper(f, "UPDATE audit SET actor = 'eve' WHERE seq = 4");
	struct audit_verdict v = verify(f);
	assert_false(v.ok);
	assert_int_equal(v.first_bad, 4);
	assert_int_equal(v.entries, 10);
	assert_non_null(strstr(v.why, "edited"));
}

static void test_delete_detected(void **state)
{
	struct fx *f = *state;
	build_chain(f, 10);
	tamper(f, "DELETE FROM audit WHERE seq = 6");
	struct audit_verdict v = verify(f);
	assert_false(v.ok);
	assert_int_equal(v.first_bad, 6);
}

static void test_reorder_detected(void **state)
{
	struct fx *f = *state;
	build_chain(f, 10);
	/* swap the contents of entries 3 and 7, keeping the sequence numbers */
	tamper(f, "UPDATE audit SET seq = -3 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 7;"
	          "UPDATE audit SET seq = 7 WHERE seq = -3;");
	struct audit_verdict v = verify(f);
	assert_false(v.ok);
	assert_int_equal(v.first_bad, 3);
}

static void test_cut_after_signature_detected(void **state)
{
	struct fx *f = *state;
	build_chain(f, 10);
	assert_int_equal(audit_sign_server(f->st, f->server_sk), STORE_OK);
	tamper(f, "DELETE FROM audit WHERE seq > 8");
	struct audit_verdict v = verify(f);
	assert_false(v.ok);
	assert_int_equal(v.first_bad, 9);
}

/* Someone with the server key rewrites entry 2, recomputes every hash after it and signs the
 * new head: the supervisor's co-signature of the old head gives it away. */
static void test_server_resign_caught_by_supervisor(void **state)
{
	struct fx *f = *state;
	build_chain(f, 6);
	assert_int_equal(audit_sign_supervisor(f->st, "sup-1", f->sup_sk), STORE_OK);
	/* the rewrite: recompute the chain from entry 2 with a changed subject */
	struct store_audit e[6];
	sqlite3 *db;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_prepare_v2(db, "SELECT seq, at, actor_id, actor, action, subject, detail FROM audit "
	                       "ORDER BY seq", -1, &q, NULL);
	for (int i = 0; sqlite3_step(q) == SQLITE_ROW; i++) {
		memset(&e[i], 0, sizeof e[i]);
		e[i].seq = sqlite3_column_int64(q, 0);
		e[i].at = sqlite3_column_int64(q, 1);
		snprintf(e[i].actor_id, sizeof e[i].actor_id, "%s", sqlite3_column_text(q, 2));
		snprintf(e[i].actor, sizeof e[i].actor, "%s", sqlite3_column_text(q, 3));
		snprintf(e[i].action, sizeof e[i].action, "%s", sqlite3_column_text(q, 4));
		snprintf(e[i].subject, sizeof e[i].subject, "%s", sqlite3_column_text(q, 5));
		snprintf(e[i].detail, sizeof e[i].detail, "%s", sqlite3_column_text(q, 6));
	}
	sqlite3_finalize(q);
	snprintf(e[1].subject, sizeof e[1].subject, "WBS-2026-999999");
	for (int i = 0; i < 6; i++) {
		if (i)
			memcpy(e[i].prev, e[i - 1].hash, 32);
		audit_hash(&e[i]);
		sqlite3_prepare_v2(db, "UPDATE audit SET subject = ?, prev = ?, hash = ? WHERE seq = ?",
		                   -1, &q, NULL);
		sqlite3_bind_text(q, 1, e[i].subject, -1, SQLITE_STATIC);
		sqlite3_bind_blob(q, 2, e[i].prev, 32, SQLITE_STATIC);
		sqlite3_bind_blob(q, 3, e[i].hash, 32, SQLITE_STATIC);
		sqlite3_bind_int64(q, 4, e[i].seq);
		assert_int_equal(sqlite3_step(q), SQLITE_DONE);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	assert_int_equal(audit_sign_server(f->st, f->server_sk), STORE_OK);
	struct audit_verdict v = verify(f);
	assert_false(v.ok);
	assert_int_equal(v.server_signed_through, 6); /* the forger's own signature verifies … */
	assert_int_equal(v.first_bad, 6);             /* … but the supervisor's does not */
	assert_non_null(strstr(v.why, "supervisor"));
	assert_int_equal(v.supervisor_signed_through, 0);
}

static void test_untrusted_signer(void **state)
{
	struct fx *f = *state;
	build_chain(f, 3);
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	assert_int_equal(audit_sign_supervisor(f->st, "mallory", sk), STORE_OK);
	struct audit_verdict v = verify(f);
	assert_false(v.ok);
	assert_int_equal(v.first_bad, 3);
}

/* A supervisor whose key changed (reset) can no longer vouch: skipped, not an alarm. */
static void test_signer_whose_key_changed(void **state)
{
	struct fx *f = *state;
	build_chain(f, 3);
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	assert_int_equal(audit_sign_supervisor(f->st, "gone", sk), STORE_OK);
	assert_int_equal(audit_sign_supervisor(f->st, "sup-1", f->sup_sk), STORE_OK);
	struct audit_verdict v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.supervisor_signed_through, 3);
}

static int pending_tx(struct store *st, void *arg)
{
	(void)arg;
	int rc = STORE_OK;
	for (int i = 0; rc == STORE_OK && i < 5; i++)
		rc = audit_append_reporter(st, AUDIT_REPORT_RECEIVED, "WBS-2026-00000X");
	return rc;
}

static void test_reporter_batch_has_no_times(void **state)
{
	struct fx *f = *state;
	build_chain(f, 2);
	assert_int_equal(store_tx(f->st, pending_tx, NULL), STORE_OK);
	struct audit_verdict v = verify(f);
	assert_int_equal(v.entries, 2); /* waiting, not yet in the chain */
	int n;
	assert_int_equal(audit_flush_reporter(f->st, &n), STORE_OK);
	assert_int_equal(n, 5);
	assert_int_equal(audit_flush_reporter(f->st, &n), STORE_OK);
	assert_int_equal(n, 0);
	v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.entries, 7);
	sqlite3 *db;
	sqlite3_stmt *q;
	sqlite3_open(f->db, &db);
	sqlite3_prepare_v2(db, "SELECT count(*) FROM audit WHERE at = 0 AND actor = '' AND "
	                       "action = 'report.received'", -1, &q, NULL);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 5);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact_chain),
		cmocka_unit_test(test_edit_detected),
		cmocka_unit_test(test_delete_detected),
		cmocka_unit_test(test_reorder_detected),
		cmocka_unit_test(test_cut_after_signature_detected),
		cmocka_unit_test(test_server_resign_caught_by_supervisor),
		cmocka_unit_test(test_untrusted_signer),
		cmocka_unit_test(test_signer_whose_key_changed),
		cmocka_unit_test(test_reporter_batch_has_no_times),
	};
	return cmocka_run_group_tests_name("audit", tests, setup, teardown);
}
