/* test_cli.c: the command line as an operator uses it: exit codes, help, one-line errors,
 * init twice, user add and list, file modes, and serve refusing a missing data directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static char dir[64];

/* Runs `peluit ARGS` (a shell fragment), capturing stdout+stderr into out. Returns the exit
 * code. */
static int peluit(char *out, size_t len, const char *fmt, ...)
{
	char args[1024], cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "%s %s 2>&1", server_bin(), args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/peluit-cli-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_help_everywhere(void **state)
{
	(void)state;
	char out[8192];
	const char *cmds[] = { "--help", "init --help", "serve --help", "user add --help",
	                       "user list --help" };
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		assert_int_equal(peluit(out, sizeof out, "%s", cmds[i]), 0);
		assert_non_null(strstr(out, "usage: peluit"));
	}
	assert_non_null(strstr(out, "--data"));
}

static void test_usage_errors_are_one_line(void **state)
{
	(void)state;
	char out[8192];
	const char *bad[] = { "", "frobnicate", "user", "init --bogus", "init --data", "user add",
	                      "user add --username ani", "serve extra-argument" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int rc = peluit(out, sizeof out, "%s", bad[i]);
		assert_int_equal(rc, 2);
		if (bad[i][0]) { /* no command at all prints the command list */
			assert_int_equal(lines(out), 1);
			assert_memory_equal(out, "peluit: ", 8);
		}
	}
}

static void test_init_user_list(void **state)
{
	(void)state;
	char out[8192], data[128], path[256];
	snprintf(data, sizeof data, "%s/var", dir);
	assert_int_equal(peluit(out, sizeof out, "init --data %s", data), 0);
	assert_non_null(strstr(out, "created"));

	struct stat st;
	assert_int_equal(stat(data, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof path, "%s/secrets", data);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	FILE *f = fopen(path, "r");
	char first[128] = "";
	assert_non_null(fgets(first, sizeof first, f) ? f : NULL);
	assert_non_null(fgets(first, sizeof first, f));
	fclose(f);
	snprintf(path, sizeof path, "%s/peluit.db", data);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0077, 0);

	/* init again: keeps the secrets, says the schema is up to date */
	assert_int_equal(peluit(out, sizeof out, "init --data %s", data), 0);
	assert_non_null(strstr(out, "up to date"));
	snprintf(path, sizeof path, "%s/secrets", data);
	f = fopen(path, "r");
	char again[128] = "";
	assert_non_null(fgets(again, sizeof again, f));
	assert_non_null(fgets(again, sizeof again, f));
	fclose(f);
	assert_string_equal(first, again);

	/* without a password file: an activation code, printed once */
	assert_int_equal(peluit(out, sizeof out,
	                        "user add --data %s --username siti --role supervisor --name 'Siti A.'",
	                        data), 0);
	assert_non_null(strstr(out, "Activation code: "));

	snprintf(path, sizeof path, "%s/pw", dir);
	f = fopen(path, "w");
	fputs("a perfectly fine passphrase\nsecond line ignored\n", f);
	fclose(f);
	assert_int_equal(peluit(out, sizeof out,
	                        "user add --data %s --username budi --role investigator "
	                        "--password-file %s", data, path), 0);
	assert_null(strstr(out, "Activation code"));
	assert_non_null(strstr(out, "Recovery key (shown once"));
	assert_non_null(strstr(out, "pending confirmation"));
	/* duplicates, bad roles, bad names and weak passwords fail with one line */
	assert_int_equal(peluit(out, sizeof out, "user add --data %s --username budi --role leader "
	                        "--password-file %s", data, path), 1);
	assert_non_null(strstr(out, "already exists"));
	assert_int_equal(peluit(out, sizeof out, "user add --data %s --username x1x --role root",
	                        data), 2);
	assert_int_equal(peluit(out, sizeof out, "user add --data %s --username 'Bad Name' "
	                        "--role leader", data), 2);
	f = fopen(path, "w");
	fputs("short\n", f);
	fclose(f);
	assert_int_equal(peluit(out, sizeof out, "user add --data %s --username dewi --role leader "
	                        "--password-file %s", data, path), 1);
	assert_non_null(strstr(out, "12 characters"));
	assert_int_equal(peluit(out, sizeof out, "user add --data %s --username dewi --role leader "
	                        "--password-file %s/missing", data, dir), 1);

	assert_int_equal(peluit(out, sizeof out, "user list --data %s", data), 0);
	assert_non_null(strstr(out, "siti"));
	assert_non_null(strstr(out, "supervisor"));
	assert_non_null(strstr(out, "activation"));
	assert_non_null(strstr(out, "pending"));
	assert_non_null(strstr(out, "Siti A."));
	assert_non_null(strstr(out, "budi"));
	assert_null(strstr(out, "dewi"));
	assert_int_equal(lines(out), 3); /* header + two users */

	/* PELUIT_DATA is honoured */
	char env[256];
	snprintf(env, sizeof env, "PELUIT_DATA=%s %s user list", data, server_bin());
	FILE *p = popen(env, "r");
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(out, "budi"));
}

static void test_serve_needs_init(void **state)
{
	(void)state;
	char out[8192];
	assert_int_equal(peluit(out, sizeof out, "serve --data %s/never-made --listen 127.0.0.1:0",
	                        dir), 1);
	assert_non_null(strstr(out, "peluit init"));
	assert_int_equal(peluit(out, sizeof out, "serve --data %s --listen nowhere", dir), 1);
	assert_int_equal(peluit(out, sizeof out, "user list --data %s/never-made", dir), 1);
}

static void test_config_file_errors_name_the_line(void **state)
{
	(void)state;
	char out[8192], data[128], path[256];
	snprintf(data, sizeof data, "%s/cfg", dir);
	assert_int_equal(peluit(out, sizeof out, "init --data %s", data), 0);
	snprintf(path, sizeof path, "%s/peluit.conf", data);
	FILE *f = fopen(path, "w");
	fputs("instance_name = WBS\n[http]\ntimeout = forever\n", f);
	fclose(f);
	assert_int_equal(peluit(out, sizeof out, "serve --data %s --listen 127.0.0.1:0", data), 1);
	assert_non_null(strstr(out, "peluit.conf:3"));
}

/* An admin needs no confirmation: --confirm-as with --role admin is a usage error, up front,
 * and nothing is created (no account, no recovery key printed). */
static void test_admin_confirm_as_is_usage(void **state)
{
	(void)state;
	char out[8192], data[128], path[256];
	snprintf(data, sizeof data, "%s/adm", dir);
	assert_int_equal(peluit(out, sizeof out, "init --data %s", data), 0);
	snprintf(path, sizeof path, "%s/adm-pw", dir);
	FILE *f = fopen(path, "w");
	fputs("Admin-confirm-as-passphrase-31\n", f);
	fclose(f);
	assert_int_equal(peluit(out, sizeof out, "user add --data %s --username adm2 --role admin "
	                        "--password-file %s --confirm-as nobody --confirm-password-file %s",
	                        data, path, path), 2);
	print_message("%s", out);
	assert_non_null(strstr(out, "--confirm-as"));
	assert_non_null(strstr(out, "reader roles"));
	assert_null(strstr(out, "Recovery key"));
	assert_int_equal(lines(out), 1);
	assert_int_equal(peluit(out, sizeof out, "user list --data %s", data), 0);
	assert_null(strstr(out, "adm2"));
}

/* [limits] in peluit.conf takes the ranges of PATCH /staff/settings: a default the admin could
 * not set again is refused at start, naming the key and the range; nothing is clamped. */
static void test_config_limits_match_settings(void **state)
{
	(void)state;
	char out[8192], data[128], path[256];
	snprintf(data, sizeof data, "%s/cfglim", dir);
	assert_int_equal(peluit(out, sizeof out, "init --data %s", data), 0);
	snprintf(path, sizeof path, "%s/peluit.conf", data);
	static const struct {
		const char *line, *key, *range;
	} bad[] = {
		{ "max_files = 101", "[limits] max_files", "from 0 to 100" },
		{ "max_file_bytes = 1073741825", "[limits] max_file_bytes", "from 1 to 1073741824" },
		{ "max_message_chars = 100001", "[limits] max_message_chars", "from 20 to 100000" },
		{ "max_message_chars = 19", "[limits] max_message_chars", "from 20 to 100000" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		FILE *f = fopen(path, "w");
		fprintf(f, "[limits]\n%s\n", bad[i].line);
		fclose(f);
		assert_int_equal(peluit(out, sizeof out, "user list --data %s", data), 1);
		print_message("%s -> %s", bad[i].line, out);
		assert_non_null(strstr(out, "peluit.conf:2"));
		assert_non_null(strstr(out, bad[i].key));
		assert_non_null(strstr(out, bad[i].range));
		assert_int_equal(peluit(out, sizeof out, "serve --data %s --listen 127.0.0.1:0", data), 1);
		assert_non_null(strstr(out, bad[i].key));
	}
	/* the edges are accepted */
	FILE *f = fopen(path, "w");
	fputs("[limits]\nmax_files = 100\nmax_file_bytes = 1073741824\nmax_message_chars = 100000\n",
	      f);
	fclose(f);
	assert_int_equal(peluit(out, sizeof out, "user list --data %s", data), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_everywhere),
		cmocka_unit_test(test_usage_errors_are_one_line),
		cmocka_unit_test(test_init_user_list),
		cmocka_unit_test(test_serve_needs_init),
		cmocka_unit_test(test_config_file_errors_name_the_line),
		cmocka_unit_test(test_config_limits_match_settings),
		cmocka_unit_test(test_admin_confirm_as_is_usage),
	};
	return cmocka_run_group_tests_name("api_cli", tests, setup, teardown);
}
