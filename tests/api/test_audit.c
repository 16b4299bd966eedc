/* test_audit.c: the audit trail over HTTP and at the command line: entries for each act,
 * who may read it, filters and pages, verification, and tampering found and named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define PW "audit trail passphrase 1"
static struct server srv;

static int setup(void **state)
{
	(void)state;
	static const struct user_spec users[] = {
		{ "admin1", "admin", "Admin Satu", PW },
		{ "sup1", "supervisor", "Supervisor Satu", PW },
		{ "inv1", "investigator", "Investigator Satu", PW },
	};
	http_global_init();
	return server_start(&srv, users, 3);
}

static int teardown(void **state)
{
	(void)state;
	int rc = server_stop(&srv);
	http_global_cleanup();
	return rc == 0 ? 0 : -1;
}

/* Items of GET path as admin1. */
static json_t *list(const char *token, const char *query, long want_status)
{
	char path[256];
	struct response r;
	snprintf(path, sizeof path, "/api/v1/staff/audit%s", query);
	http_get_as(&srv, token, path, &r);
	assert_int_equal(r.status, want_status);
	json_t *j = json_incref(r.json);
	response_free(&r);
	return j;
}

static bool has_entry(const json_t *items, const char *action, const char *subject)
{
	size_t i;
	const json_t *e;
	json_array_foreach(items, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "action")), action) &&
		    (!subject || !strcmp(json_string_value(json_object_get(e, "subject")), subject)))
			return true;
	return false;
}

static void test_entries_for_each_act(void **state)
{
	(void)state;
	char *t = staff_login(&srv, "admin1", PW, NULL);
	assert_non_null(t);
	assert_null(staff_login(&srv, "inv1", "wrong password here", NULL));
	assert_null(staff_login(&srv, "SecretTypedIntoUsername", "wrong password here", NULL));
	char *t2 = staff_login(&srv, "inv1", PW, NULL);
	char *h = bearer_header(t2);
	const char *hv[3] = { h, "Content-Type:", NULL };
	struct response r;
	struct request rq = { .method = "POST", .path = "/api/v1/staff/logout", .headers = hv };
	http_do(&srv, &rq, &r);
	assert_int_equal(r.status, 204);
	response_free(&r);
	free(h);

	json_t *j = list(t, "?per_page=200", 200);
	const json_t *items = json_object_get(j, "items");
	assert_true(has_entry(items, "user.created", "admin1"));
	assert_true(has_entry(items, "user.created", "inv1"));
	assert_true(has_entry(items, "staff.login", "admin1"));
	assert_true(has_entry(items, "staff.login_failed", "inv1"));
	assert_true(has_entry(items, "staff.login", "inv1"));
	assert_true(has_entry(items, "staff.logout", "inv1"));
	/* a failed login with an unknown name records no name: it may have been a password */
	char *dump = json_dumps(j, 0);
	assert_null(strstr(dump, "SecretTypedIntoUsername"));
	assert_null(strstr(dump, PW));
	assert_null(strstr(dump, "127.0.0.1"));
	free(dump);
	/* newest first, sequence numbers without gaps */
	json_int_t total = json_integer_value(json_object_get(j, "total"));
	assert_true(total >= 8);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "seq")), total);
	json_decref(j);
	free(t);
	free(t2);
}

static void test_who_may_read(void **state)
{
	(void)state;
	char *inv = staff_login(&srv, "inv1", PW, NULL);
	char *sup = staff_login(&srv, "sup1", PW, NULL);
	json_decref(list(inv, "", 403));
	json_decref(list(sup, "", 200));
	struct response r;
	http_get(&srv, "/api/v1/staff/audit", NULL, &r);
	assert_int_equal(r.status, 401);
	response_free(&r);
	http_get_as(&srv, inv, "/api/v1/staff/audit/verify", &r);
	assert_int_equal(r.status, 403);
	response_free(&r);
	free(inv);
	free(sup);
}

static void test_filters_and_pages(void **state)
{
	(void)state;
	char *t = staff_login(&srv, "admin1", PW, NULL);
	json_t *j = list(t, "?action=staff.login&actor=admin1", 200);
	size_t i;
	json_t *e;
	assert_true(json_array_size(json_object_get(j, "items")) >= 1);
	json_array_foreach(json_object_get(j, "items"), i, e) {
		assert_string_equal(json_string_value(json_object_get(e, "action")), "staff.login");
		assert_string_equal(json_string_value(
			json_object_get(json_object_get(e, "actor"), "username")), "admin1");
	}
	json_decref(j);
	j = list(t, "?per_page=2&page=2", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "page")), 2);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);
	j = list(t, "?from=2000-01-01&to=2000-01-02", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	static const char *bad[][2] = { { "?action=nonsense", "action" }, { "?per_page=500", "per_page" },
	                                { "?page=0", "page" }, { "?from=2026-02-30", "from" } };
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		j = list(t, bad[k][0], 400);
		assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "field")),
		                    bad[k][1]);
		json_decref(j);
	}
	free(t);
}

static int cli_verify(void)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s audit verify --data %s >/dev/null 2>&1", server_bin(), srv.data);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void tamper(const char *sql)
{
	assert_true(db_run(&srv, sql) > 0);
}

static long long db_count(const char *sql)
{
	return db_value(&srv, sql);
}

static void submit_report(void)
{
	struct response r;
	http_post(&srv, "/api/v1/reports", NULL,
	          "{\"category\":\"lainnya\",\"message\":\"Laporan untuk jejak audit yang cukup panjang.\"}",
	          &r);
	assert_int_equal(r.status, 201);
	response_free(&r);
}

/* Restarts srv on its data directory (its sessions stay valid). */
static void restart(void)
{
	if (srv.out_fd >= 0) {
		close(srv.out_fd);
		srv.out_fd = -1;
	}
	assert_int_equal(server_serve(&srv), 0);
}

/* The hourly batch of reporter entries is also appended at shutdown, and when serve starts
 * (what a process that was killed left queued), so no report.* entry waits for a process that
 * runs a full hour. */
static void test_reporter_batch_at_stop_and_start(void **state)
{
	(void)state;
	static const char pending[] = "SELECT count(*) FROM audit_pending";
	static const char chained[] = "SELECT count(*) FROM audit WHERE action = 'report.received'";
	long long before = db_count(chained);
	submit_report();
	assert_int_equal(db_count(pending), 1);
	assert_int_equal(db_count(chained), before);
	/* a clean stop appends it */
	assert_int_equal(server_halt(&srv), 0);
	assert_int_equal(db_count(pending), 0);
	assert_int_equal(db_count(chained), before + 1);
	restart();
	/* a killed process leaves it queued; the next start appends it */
	submit_report();
	assert_int_equal(db_count(pending), 1);
	kill(srv.pid, SIGKILL);
	waitpid(srv.pid, NULL, 0);
	srv.pid = 0;
	assert_int_equal(db_count(pending), 1);
	restart();
	assert_int_equal(db_count(pending), 0);
	assert_int_equal(db_count(chained), before + 2);
	assert_int_equal(cli_verify(), 0);
}

/* Last: it breaks the chain of this server for good. */
static void test_verify_and_tamper(void **state)
{
	(void)state;
	char *t = staff_login(&srv, "sup1", PW, NULL);
	struct response r;
	http_get_as(&srv, t, "/api/v1/staff/audit/verify", &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(r.json, "ok")));
	assert_true(json_is_null(json_object_get(r.json, "first_bad")));
	assert_true(json_integer_value(json_object_get(r.json, "entries")) >= 8);
	assert_int_equal(strlen(json_string_value(json_object_get(r.json, "head"))), 64);
	response_free(&r);
	assert_int_equal(cli_verify(), 0);

	tamper("UPDATE audit SET actor = 'someone-else' WHERE seq = 3");
	http_get_as(&srv, t, "/api/v1/staff/audit/verify", &r);
	assert_int_equal(r.status, 200);
	assert_false(json_is_true(json_object_get(r.json, "ok")));
	assert_int_equal(json_integer_value(json_object_get(r.json, "first_bad")), 3);
	response_free(&r);
	assert_int_equal(cli_verify(), 1);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_for_each_act),
		cmocka_unit_test(test_who_may_read),
		cmocka_unit_test(test_filters_and_pages),
		cmocka_unit_test(test_reporter_batch_at_stop_and_start),
		cmocka_unit_test(test_verify_and_tamper),
	};
	return cmocka_run_group_tests_name("api_audit", tests, setup, teardown);
}
