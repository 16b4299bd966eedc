/* test_pg.c: several Peluit servers on one PostgreSQL database. Run only with $PELUIT_TEST_PG
 * (scripts/run-tests sets it, with $PELUIT_TEST_PG_DIR, for its throwaway cluster): two
 * `serve` processes share everything; a database restart under load loses no acknowledged
 * report and answers 503 meanwhile; an instance migrated from SQLite serves from PostgreSQL. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define PW_SUP "Pg-supervisor-larch-meadow-29"
#define MSG "Ada pungutan liar di loket pelayanan KTP setiap pagi, nomor "

static const struct user_spec users[] = {
	{ "sup1", "supervisor", "Supervisor Satu", PW_SUP },
};
static struct server a, b;

static int setup(void **state)
{
	(void)state;
	http_global_init();
	if (server_start(&a, users, 1) != 0)
		return -1;
	if (server_start_second(&b, &a) != 0) {
		server_stop(&a);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rb = server_stop(&b), ra = server_stop(&a);
	http_global_cleanup();
	return ra == 0 && rb == 0 ? 0 : -1;
}

/* Runs scripts/pg-cluster CMD on the test cluster; asserts it succeeded. */
static void cluster(const char *cmd)
{
	char line[512];
	snprintf(line, sizeof line, "scripts/pg-cluster %s '%s'", cmd, getenv("PELUIT_TEST_PG_DIR"));
	assert_int_equal(system(line), 0);
}

/* Submits a report whose message ends in `tag`; the receipt goes to receipt (when 201). Returns
 * the status. */
static long submit(const struct server *s, const char *tag, char receipt[32])
{
	struct response r;
	char *body = J("{s:s, s:s}", "category", "lainnya", "message", tag);
	http_post(s, "/api/v1/reports", NULL, body, &r);
	free(body);
	long st = r.status;
	const char *rc = json_string_value(json_object_get(r.json, "receipt"));
	if (st == 201 && rc)
		snprintf(receipt, 32, "%s", rc);
	else if (st == 201)
		st = -1;
	else if (st == 503 && strcmp(response_error_code(&r) ? response_error_code(&r) : "",
	                             "unavailable") != 0)
		st = -503; /* a 503 must say unavailable */
	response_free(&r);
	return st;
}

/* Signs in with a receipt on s: the token (malloc'd), or NULL with the status in *status. */
static char *reporter_login(const struct server *s, const char *receipt, long *status)
{
	struct response r;
	char *body = J("{s:s}", "receipt", receipt);
	http_post(s, "/api/v1/reporter/login", NULL, body, &r);
	free(body);
	*status = r.status;
	const char *t = json_string_value(json_object_get(r.json, "token"));
	char *tok = r.status == 200 && t ? strdup(t) : NULL;
	response_free(&r);
	return tok;
}

/* The message of the report a reporter token opens on s (malloc'd), or NULL. */
static char *report_message(const struct server *s, const char *token)
{
	struct response r;
	char *auth = bearer_header(token);
	const char *h[] = { auth, NULL };
	http_get(s, "/api/v1/reporter/report", h, &r);
	free(auth);
	const char *m = json_string_value(json_object_get(json_object_get(r.json, "content"),
	                                                  "message"));
	char *out = r.status == 200 && m ? strdup(m) : NULL;
	response_free(&r);
	return out;
}

static void test_two_servers_share_everything(void **state)
{
	(void)state;
	enum { N = 6 };
	char receipts[N][32], tags[N][96];
	long long before = db_value(&a, "SELECT count(*) FROM reports");
	for (int i = 0; i < N; i++) {
		snprintf(tags[i], sizeof tags[i], MSG "%d, lewat server %c.", i, i % 2 ? 'B' : 'A');
		assert_int_equal(submit(i % 2 ? &b : &a, tags[i], receipts[i]), 201);
	}
	/* every receipt opens its report on the other server, and the session works on both */
	for (int i = 0; i < N; i++) {
		const struct server *made = i % 2 ? &b : &a, *other = i % 2 ? &a : &b;
		long st;
		char *tok = reporter_login(other, receipts[i], &st);
		assert_int_equal(st, 200);
		for (int k = 0; k < 2; k++) {
			char *m = report_message(k ? made : other, tok);
			assert_non_null(m);
			assert_string_equal(m, tags[i]);
			free(m);
		}
		free(tok);
	}
	/* case numbers: one per report, none twice, and each one in the audit trail */
	assert_int_equal(db_value(&a, "SELECT count(*) FROM reports") - before, N);
	assert_int_equal(db_value(&a, "SELECT count(DISTINCT number) FROM reports"),
	                 db_value(&a, "SELECT count(*) FROM reports"));
	assert_int_equal(db_value(&a, "SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 "
	                              "FROM audit WHERE action = 'report.received' AND subject = "
	                              "r.number) AND NOT EXISTS (SELECT 1 FROM audit_pending WHERE "
	                              "action = 'report.received' AND subject = r.number)"),
	                 0);

	/* a staff session made on one server is valid on the other */
	char *t = staff_login(&a, "sup1", PW_SUP, NULL);
	assert_non_null(t);
	struct response r;
	http_get_as(&b, t, "/api/v1/staff/me", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "username")), "sup1");
	response_free(&r);
	free(t);
}

/* Staff sign-ins on both servers at once append to one chain: no fork, no gap. */
struct login_job {
	const struct server *s;
	int n, ok;
};

static void *login_thread(void *arg)
{
	struct login_job *j = arg;
	for (int i = 0; i < j->n; i++) {
		char *t = staff_login(j->s, "sup1", PW_SUP, NULL);
		j->ok += t != NULL;
		free(t);
	}
	return NULL;
}

static void test_one_audit_chain(void **state)
{
	(void)state;
	long long before = db_value(&a, "SELECT count(*) FROM audit");
	struct login_job jobs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct login_job){ i % 2 ? &b : &a, 4, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, login_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].ok, jobs[i].n);
	}
	assert_true(db_value(&a, "SELECT count(*) FROM audit") - before >= 16);
	assert_int_equal(db_value(&a, "SELECT max(seq) - count(*) FROM audit"), 0);
	char *t = staff_login(&b, "sup1", PW_SUP, NULL);
	struct response r;
	http_get_as(&a, t, "/api/v1/staff/audit/verify", &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(r.json, "ok")));
	response_free(&r);
	free(t);
	assert_int_equal(peluit_run(&a, NULL, NULL, "audit", "verify", NULL), 0);
}

/* ---- the database restarts under a load of submissions ---- */

#define MAX_ACK 512

static struct {
	pthread_mutex_t lock;
	char receipts[MAX_ACK][32];
	int acked, unavailable, other;
	long last_other;
	double until;
} load = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void *load_thread(void *arg)
{
	const struct server *s = arg;
	for (int i = 0; now_seconds() < load.until; i++) {
		char tag[96], receipt[32];
		snprintf(tag, sizeof tag, MSG "%d di tengah beban.", i);
		long st = submit(s, tag, receipt);
		pthread_mutex_lock(&load.lock);
		if (st == 201 && load.acked < MAX_ACK)
			memcpy(load.receipts[load.acked++], receipt, 32);
		else if (st == 503)
			load.unavailable++;
		else if (st != 201)
			load.other++, load.last_other = st;
		pthread_mutex_unlock(&load.lock);
		if (st == 503)
			sleep_s(0.05);
	}
	return NULL;
}

/* Logs in with every fourth acknowledged receipt from `first`; counts the failures. */
struct check_job {
	int first, failed;
};

static void *check_thread(void *arg)
{
	struct check_job *j = arg;
	for (int i = j->first; i < load.acked; i += 4) {
		long st;
		char *tok = reporter_login(i % 2 ? &a : &b, load.receipts[i], &st);
		if (st != 200) {
			print_error("acknowledged report %d of %d: login %ld\n", i, load.acked, st);
			j->failed++;
		}
		free(tok);
	}
	return NULL;
}

static long healthz(const struct server *s)
{
	struct response r;
	http_get(s, "/healthz", NULL, &r);
	long st = r.status;
	response_free(&r);
	return st;
}

static void test_restart_under_load(void **state)
{
	(void)state;
	pthread_t th[4];
	load.until = now_seconds() + 7.0;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, load_thread, i % 2 ? &b : &a), 0);
	sleep_s(1.0);
	cluster("restart");
	sleep_s(1.0);
	/* down for a while: both servers answer 503 unavailable, and keep running */
	cluster("halt");
	assert_int_equal(healthz(&a), 503);
	assert_int_equal(healthz(&b), 503);
	char receipt[32];
	assert_int_equal(submit(&a, MSG "saat basis data mati.", receipt), 503);
	sleep_s(1.0);
	cluster("resume");
	/* back without restarting Peluit */
	double deadline = now_seconds() + 10;
	while ((healthz(&a) != 200 || healthz(&b) != 200) && now_seconds() < deadline)
		sleep_s(0.1);
	assert_int_equal(healthz(&a), 200);
	assert_int_equal(healthz(&b), 200);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	print_message("under load: %d acknowledged, %d unavailable, %d other\n", load.acked,
	              load.unavailable, load.other);
	if (load.other)
		print_error("%d answers neither 201 nor 503 unavailable (the last: %ld)\n", load.other,
		            load.last_other);
	assert_int_equal(load.other, 0);
	assert_true(load.acked > 0);
	assert_true(load.unavailable > 0);
	assert_int_equal(submit(&a, MSG "setelah basis data kembali.", receipt), 201);
	assert_int_equal(submit(&b, MSG "setelah basis data kembali.", receipt), 201);
	/* every acknowledged report is there (four logins at a time, over both servers) */
	struct check_job jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct check_job){ i, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, check_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].failed, 0);
	}
}

/* ---- from SQLite to PostgreSQL ---- */

/* The first column of each row, concatenated. */
static void concat(void *arg, const char *x, const char *y)
{
	(void)y;
	char **acc = arg;
	size_t n = *acc ? strlen(*acc) : 0;
	*acc = realloc(*acc, n + strlen(x) + 1);
	memcpy(*acc + n, x, strlen(x) + 1);
}

static char *all_rows(const struct server *s, const char *sql)
{
	char *acc = strdup("");
	db_rows(s, sql, NULL, concat, &acc);
	return acc;
}

static void test_migrate_from_sqlite(void **state)
{
	(void)state;
	struct server s;
	char *pg = strdup(db_pg_base());
	unsetenv("PELUIT_TEST_PG"); /* this one on SQLite */
	int rc = server_start(&s, users, 1);
	setenv("PELUIT_TEST_PG", pg, 1);
	assert_int_equal(rc, 0);

	/* a report with a file of several chunks (random bytes, NULs and all) and a message */
	enum { SIZE = 300000 };
	unsigned char *pdf = malloc(SIZE);
	memcpy(pdf, "%PDF-1.4\n", 9);
	srand(7);
	for (size_t i = 9; i < SIZE; i++)
		pdf[i] = (unsigned char)rand();
	const struct mpart parts[] = {
		{ .name = "category", .data = "lainnya", .len = MPART_STRLEN },
		{ .name = "message", .data = MSG "dipindahkan.", .len = MPART_STRLEN },
		{ .name = "evidence", .filename = "bukti.pdf", .type = "application/pdf", .data = pdf,
		  .len = SIZE },
	};
	struct response r;
	http_post_multipart(&s, "/api/v1/reports", NULL, parts, 3, 60000, &r);
	assert_int_equal(r.status, 201);
	char receipt[32];
	snprintf(receipt, sizeof receipt, "%s",
	         json_string_value(json_object_get(r.json, "receipt")));
	response_free(&r);
	free(pdf);
	char *t = staff_login(&s, "sup1", PW_SUP, NULL);
	assert_non_null(t);
	free(t);
	assert_int_equal(server_halt(&s), 0);

	static const char *const checks[] = {
		"SELECT count(*) FROM reports", "SELECT count(*) FROM audit",
		"SELECT count(*) FROM audit_pending", "SELECT count(*) FROM file_chunks",
		"SELECT sum(length(data)) FROM file_chunks", "SELECT count(*) FROM users",
	};
	enum { NCHECK = sizeof checks / sizeof *checks };
	long long want[NCHECK];
	for (size_t i = 0; i < NCHECK; i++)
		want[i] = db_value(&s, checks[i]);
	assert_true(want[3] >= 5);
	char *chunks_sqlite = all_rows(&s, "SELECT hex(data) FROM file_chunks ORDER BY file_id, seq");

	/* into a fresh PostgreSQL database */
	char url[300], from[200], *out = NULL, *err = NULL;
	snprintf(s.db, sizeof s.db, "m_%s", strrchr(s.root, '-') + 1);
	assert_int_equal(db_pg_admin(s.db, true), 0);
	snprintf(url, sizeof url, "%s/%s", pg, s.db);
	snprintf(from, sizeof from, "sqlite:%s/peluit.db", s.data);
	assert_int_equal(peluit_run(&s, NULL, &err, "migrate", "--from", from, "--to", url, NULL), 0);
	assert_non_null(strstr(err, "migrate: file_chunks: "));
	free(err);
	/* a second time: the target is not empty any more */
	assert_int_equal(peluit_run(&s, NULL, &err, "migrate", "--from", from, "--to", url, NULL), 1);
	assert_non_null(strstr(err, "already holds data"));
	free(err);
	assert_int_equal(peluit_run(&s, &out, NULL, "migrate", "--help", NULL), 0);
	assert_non_null(strstr(out, "usage: peluit migrate"));
	free(out);
	assert_int_equal(peluit_run(&s, NULL, NULL, "migrate", "--from", from, NULL), 2);

	for (size_t i = 0; i < NCHECK; i++)
		assert_int_equal(db_value(&s, checks[i]), want[i]);
	char *chunks_pg = all_rows(&s, "SELECT upper(encode(data, 'hex')) FROM file_chunks ORDER BY "
	                               "file_id, seq");
	assert_true(strcmp(chunks_sqlite, chunks_pg) == 0);
	free(chunks_sqlite);
	free(chunks_pg);

	/* serve from PostgreSQL: the receipt opens the report, the trail verifies */
	char conf[160], line[400];
	snprintf(conf, sizeof conf, "%s/peluit.conf", s.data);
	snprintf(line, sizeof line, "db = %s", url);
	unlink(conf);
	assert_int_equal(server_write_file(&s, "data/peluit.conf", line, conf, sizeof conf), 0);
	unlink(s.log_path);
	close(s.out_fd);
	s.out_fd = -1;
	assert_int_equal(server_serve(&s), 0);
	long st;
	char *tok = reporter_login(&s, receipt, &st);
	assert_int_equal(st, 200);
	char *m = report_message(&s, tok);
	assert_string_equal(m, MSG "dipindahkan.");
	free(m);
	struct response v;
	char *auth = bearer_header(tok);
	const char *h[] = { auth, NULL };
	http_get(&s, "/api/v1/reporter/report", h, &v);
	json_t *f = json_array_get(json_object_get(v.json, "files"), 0);
	assert_int_equal(json_integer_value(json_object_get(f, "size")), SIZE);
	response_free(&v);
	free(auth);
	free(tok);
	t = staff_login(&s, "sup1", PW_SUP, NULL);
	http_get_as(&s, t, "/api/v1/staff/audit/verify", &v);
	assert_true(json_is_true(json_object_get(v.json, "ok")));
	response_free(&v);
	free(t);
	assert_int_equal(peluit_run(&s, NULL, NULL, "audit", "verify", NULL), 0);
	assert_int_equal(server_stop(&s), 0);
	free(pg);
}

int main(void)
{
	if (!db_pg_base() || !getenv("PELUIT_TEST_PG_DIR")) {
		fprintf(stderr, "test_pg: needs PELUIT_TEST_PG and PELUIT_TEST_PG_DIR (scripts/run-tests "
		                "sets them for its PostgreSQL cluster); nothing run\n");
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_servers_share_everything),
		cmocka_unit_test(test_one_audit_chain),
		cmocka_unit_test(test_restart_under_load),
		cmocka_unit_test(test_migrate_from_sqlite),
	};
	return cmocka_run_group_tests_name("api_pg", tests, setup, teardown);
}
