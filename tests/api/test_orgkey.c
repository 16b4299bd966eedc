/* test_orgkey.c: when a supervisor leaves, the organisation key is rotated: new reports are
 * sealed to the new key, the departed supervisor's key copies are gone, and a remaining
 * supervisor's session re-seals the old reports to the new key, showing its progress. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PW1 "first supervisor passphrase"
#define PW2 "second supervisor passphrase"
#define PWA "the admin passphrase 1"
static struct server srv;

static long long count(const char *sql)
{
	return db_value(&srv, sql);
}

static int setup(void **state)
{
	(void)state;
	char f1[160], f2[160], fa[160];
	http_global_init();
	if (server_prepare(&srv) != 0 || server_write_file(&srv, "p1", PW1, f1, sizeof f1) != 0 ||
	    server_write_file(&srv, "p2", PW2, f2, sizeof f2) != 0 ||
	    server_write_file(&srv, "pa", PWA, fa, sizeof fa) != 0)
		return -1;
	if (peluit_run(&srv, NULL, NULL, "user", "add", "--username", "sup1", "--role", "supervisor",
	               "--password-file", f1, NULL) != 0 ||
	    peluit_run(&srv, NULL, NULL, "user", "add", "--username", "sup2", "--role", "supervisor",
	               "--password-file", f2, "--confirm-as", "sup1", "--confirm-password-file", f1,
	               NULL) != 0 ||
	    peluit_run(&srv, NULL, NULL, "user", "add", "--username", "adm", "--role", "admin",
	               "--password-file", fa, NULL) != 0)
		return -1;
	return server_serve(&srv);
}

static int teardown(void **state)
{
	(void)state;
	int rc = server_stop(&srv);
	http_global_cleanup();
	return rc == 0 ? 0 : -1;
}

static void submit(void)
{
	struct response r;
	http_post(&srv, "/api/v1/reports", NULL,
	          "{\"category\":\"lainnya\",\"message\":\"Laporan untuk uji rotasi kunci organisasi.\"}",
	          &r);
	assert_int_equal(r.status, 201);
	response_free(&r);
}

static void test_rotation_and_reseal(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		submit();
	assert_int_equal(count("SELECT count(*) FROM report_keys WHERE holder_kind = 'org'"), 3);
	long long keys_before = count("SELECT count(*) FROM org_keys");
	assert_int_equal(keys_before, 1);

	/* sup2 leaves: its copies go, the organisation key is rotated */
	char *adm = staff_login(&srv, "adm", PWA, NULL);
	assert_non_null(adm);
	struct response r;
	http_get_as(&srv, adm, "/api/v1/staff/users", &r);
	char *sup2 = NULL;
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(r.json, "items"), i, u)
		if (!strcmp(json_string_value(json_object_get(u, "username")), "sup2"))
			sup2 = strdup(json_string_value(json_object_get(u, "id")));
	assert_non_null(sup2);
	char path[128], *h = bearer_header(adm);
	snprintf(path, sizeof path, "/api/v1/staff/users/%s", sup2);
	const char *hv[3] = { h, "Content-Type: application/json", NULL };
	struct request rq = { .method = "PATCH", .path = path, .headers = hv, .body = "{\"disabled\":true}",
	                      .body_len = 17 };
	struct response d;
	http_do(&srv, &rq, &d);
	assert_int_equal(d.status, 200);
	response_free(&d);
	response_free(&r);
	free(h);
	assert_int_equal(count("SELECT count(*) FROM org_keys"), 2);
	assert_int_equal(count("SELECT count(*) FROM org_keys WHERE retired_at IS NULL"), 1);
	/* nothing sealed to the departed supervisor remains */
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM report_keys WHERE holder = '%s') + "
	         "(SELECT count(*) FROM org_key_copies WHERE user_id = '%s')", sup2, sup2);
	assert_int_equal(count(sql), 0);

	/* a new report goes to the new key */
	submit();
	assert_int_equal(count("SELECT count(*) FROM reports r JOIN org_keys k ON k.id = r.org_key_id "
	                       "WHERE k.retired_at IS NULL"), 1);

	/* sup1's session re-seals the three old reports; the old key then goes */
	char *s1 = staff_login(&srv, "sup1", PW1, NULL);
	assert_non_null(s1);
	http_get_as(&srv, s1, "/api/v1/staff/me", &r);
	assert_int_equal(r.status, 200);
	assert_null(json_object_get(r.json, "reseal_remaining"));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM org_keys"), 1);
	assert_int_equal(count("SELECT count(*) FROM report_keys rk JOIN org_keys k ON "
	                       "k.id = rk.holder WHERE rk.holder_kind = 'org'"), 4);
	assert_int_equal(count("SELECT count(*) FROM reports r JOIN org_keys k ON k.id = r.org_key_id"),
	                 4);
	free(s1);
	free(adm);
	free(sup2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotation_and_reseal),
	};
	return cmocka_run_group_tests_name("api_orgkey", tests, setup, teardown);
}
