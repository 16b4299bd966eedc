/* test_core.c: account policy, configuration parsing, the error registry, reference data,
 * report statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/errors.h"
#include "core/policy.h"
#include "core/refdata.h"
#include "core/status.h"

static void test_usernames(void **state)
{
	(void)state;
	assert_true(policy_username_valid("budi.santoso"));
	assert_true(policy_username_valid("a_1"));
	assert_false(policy_username_valid("ab"));
	assert_false(policy_username_valid("Budi"));
	assert_false(policy_username_valid("budi santoso"));
	assert_false(policy_username_valid("budi/../x"));
	char long_name[66];
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	assert_false(policy_username_valid(long_name));
}

static void test_names_and_roles(void **state)
{
	(void)state;
	assert_true(policy_name_valid("Siti Nurhaliza, S.H."));
	assert_true(policy_name_valid("Dr. Ñoño 日本"));
	assert_false(policy_name_valid(""));
	assert_false(policy_name_valid("tab\there"));
	assert_false(policy_name_valid("\xC0\xAF"));          /* overlong '/' */
	assert_false(policy_name_valid("\xED\xA0\x80"));      /* surrogate */
	assert_true(policy_role_valid("supervisor"));
	assert_false(policy_role_valid("root"));
	assert_false(policy_role_valid("Admin"));
}

static void test_passwords(void **state)
{
	(void)state;
	assert_null(policy_password_problem("correct horse battery", "budi", LANG_EN));
	assert_non_null(policy_password_problem("short", "budi", LANG_EN));
	assert_non_null(policy_password_problem("budi.santoso", "budi.santoso", LANG_EN));
	assert_non_null(policy_password_problem("BUDI.SANTOSO", "budi.santoso", LANG_ID));
	assert_non_null(policy_password_problem("Password1234", "budi", LANG_EN)); /* common */
	assert_non_null(policy_password_problem("bismillah123", "budi", LANG_ID));
	/* 12 code points, fewer bytes would not do: counted as characters */
	assert_null(policy_password_problem("ééééééééééé1", "budi", LANG_EN));
	assert_string_not_equal(policy_password_problem("x", "budi", LANG_EN),
	                        policy_password_problem("x", "budi", LANG_ID));
}

static void test_listen(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_int_equal(c.listen_port, 8080);
	assert_string_equal(c.listen_host, "127.0.0.1");
	assert_int_equal(config_set_listen(&c, "0.0.0.0:9000"), 0);
	assert_string_equal(c.listen_host, "0.0.0.0");
	assert_int_equal(c.listen_port, 9000);
	assert_int_equal(config_set_listen(&c, "[::1]:0"), 0);
	assert_string_equal(c.listen_host, "::1");
	assert_int_equal(c.listen_port, 0);
	assert_int_equal(config_set_listen(&c, "localhost"), -1);
	assert_int_equal(config_set_listen(&c, ":80"), -1);
	assert_int_equal(config_set_listen(&c, "1.2.3.4:65536"), -1);
	assert_int_equal(config_set_listen(&c, "1.2.3.4:-1"), -1);
}

static void test_config_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/peluit-cfg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct config c;
	config_defaults(&c);
	snprintf(c.data_dir, sizeof c.data_dir, "%s", dir);
	char err[256], path[512];
	assert_int_equal(config_load_file(&c, err, sizeof err), 0); /* no file: defaults */
	snprintf(path, sizeof path, "%s/peluit.conf", dir);
	FILE *f = fopen(path, "w");
	fputs("instance_name = WBS Kota Tangerang\nhttps = true\n[http]\nper_ip_connections = 8\n"
	      "[limits]\nmax_files = 3\n", f);
	fclose(f);
	assert_int_equal(config_load_file(&c, err, sizeof err), 0);
	assert_string_equal(c.instance_name, "WBS Kota Tangerang");
	assert_true(c.https);
	assert_int_equal(c.per_ip_connections, 8);
	assert_int_equal(c.max_files, 3);
	f = fopen(path, "w");
	fputs("[http]\ntimeout = 30\nnonsense = 1\n", f);
	fclose(f);
	assert_int_equal(config_load_file(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":3:")); /* names the line */
	unlink(path);
	rmdir(dir);
}

static void test_error_registry(void **state)
{
	(void)state;
	for (int e = 0; e < ERR_COUNT; e++) {
		assert_true(err_status(e) >= 400 && err_status(e) < 600);
		assert_true(strlen(err_message(e, LANG_ID)) > 0);
		assert_true(strlen(err_message(e, LANG_EN)) > 0);
		for (int f = e + 1; f < ERR_COUNT; f++)
			assert_string_not_equal(err_code(e), err_code(f));
	}
	assert_int_equal(err_status(ERR_METHOD_NOT_ALLOWED), 405);
	assert_string_equal(err_code(ERR_TOO_LARGE), "too_large");
}

static void test_refdata(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(refdata_load(err, sizeof err), 0);
	const json_t *kec = refdata_kecamatan();
	assert_int_equal(json_array_size(kec), 13);
	size_t total = 0, i;
	json_t *k;
	json_array_foreach(kec, i, k) total += json_array_size(json_object_get(k, "kelurahan"));
	assert_int_equal(total, 104);
	json_t *cats = refdata_categories(LANG_EN, false);
	assert_int_equal(json_array_size(cats), 7);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cats, 0), "label")),
	                    "Corruption");
	json_decref(cats);
	assert_true(refdata_category_valid("gratifikasi"));
	assert_false(refdata_category_valid("gratification"));
	assert_true(json_is_object(refdata_strings(LANG_ID)));
	refdata_free();
}

/* API.md "Report statuses": every pair of statuses, for an investigator and a supervisor,
 * against the exact list of arrows. */
static void test_status_transitions(void **state)
{
	(void)state;
	static const char *const all[] = { "received", "verifying", "investigating", "forwarded",
	                                   "closed_substantiated", "closed_unsubstantiated",
	                                   "rejected" };
	static const char *const arrows[] = {
		"received>verifying",     "received>rejected",  "verifying>investigating",
		"verifying>rejected",     "investigating>forwarded",
		"investigating>closed_substantiated",           "investigating>closed_unsubstantiated",
	};
	int allowed = 0;
	for (size_t i = 0; i < 7; i++) {
		for (size_t j = 0; j < 7; j++) {
			char pair[64];
			snprintf(pair, sizeof pair, "%s>%s", all[i], all[j]);
			bool arrow = false;
			for (size_t k = 0; k < sizeof arrows / sizeof *arrows; k++)
				arrow = arrow || !strcmp(arrows[k], pair);
			bool reopen = status_final(all[i]) && !strcmp(all[j], "investigating");
			if (status_transition_ok(all[i], all[j], false) != arrow)
				fail_msg("investigator %s: expected %d", pair, arrow);
			if (status_transition_ok(all[i], all[j], true) != (arrow || reopen))
				fail_msg("supervisor %s: expected %d", pair, arrow || reopen);
			allowed += arrow;
		}
	}
	assert_int_equal(allowed, 7);
	assert_true(status_final("rejected") && status_final("forwarded"));
	assert_false(status_final("investigating") || status_final("received"));
	assert_false(status_transition_ok("received", "nonsense", true));
	assert_false(status_valid("closed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usernames),     cmocka_unit_test(test_names_and_roles),
		cmocka_unit_test(test_passwords),     cmocka_unit_test(test_listen),
		cmocka_unit_test(test_config_file),   cmocka_unit_test(test_error_registry),
		cmocka_unit_test(test_refdata),       cmocka_unit_test(test_status_transitions),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
