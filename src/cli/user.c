/* user.c: `peluit user add` and `peluit user list`, for the operator who installs Peluit. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/log.h"
#include "core/policy.h"
#include "crypto/crypto.h"
#include "store/store.h"

static const char add_usage[] =
	"usage: peluit user add --username U --role R [--name N] [--password-file F]\n"
	"                       [--data DIR] [--db URL]\n"
	"\n"
	"Creates a staff account. Roles: admin, investigator, supervisor, leader.\n"
	"Without --password-file a random password is generated and printed once.\n"
	"\n"
	"  --username U        3 to 64 characters: a-z, 0-9, dot, dash, underscore\n"
	"  --role R            admin | investigator | supervisor | leader\n"
	"  --name N            the name shown to colleagues (default: the username)\n"
	"  --password-file F   the password is the first line of F, without its newline\n"
	"  --data DIR, --db URL  as for every command\n";

static const char list_usage[] =
	"usage: peluit user list [--data DIR] [--db URL]\n"
	"\n"
	"Lists the staff accounts: username, role, state, created date and name.\n";

/* Reads the first line of a file, without its newline. Returns 0 or -1. */
static int read_password_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	bool ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int insert(struct store *st, void *arg)
{
	const struct store_user *u = arg;
	int rc = st->user_insert(st->cls, u);
	if (rc == STORE_OK)
		rc = audit_append(st, &(struct audit_event){ AUDIT_USER_CREATED, NULL, NULL,
		                                             u->username, u->role });
	return rc;
}


int cmd_user_add(int argc, char **argv)
{
	struct common_opts o;
	const char *username = NULL, *role = NULL, *name = NULL, *pwfile = NULL;
	const struct cli_opt extra[] = {
		{ "username", &username }, { "role", &role }, { "name", &name },
		{ "password-file", &pwfile }, { NULL, NULL },
	};
	int rc = cli_parse(argc, argv, add_usage, extra, &o);
	if (rc != CLI_CONTINUE)
		return rc;
	if (!username || !role) {
		cli_error("--username and --role are required (see --help)");
		return EXIT_USAGE;
	}
	if (!policy_username_valid(username)) {
		cli_error("--username: 3 to 64 characters of a-z, 0-9, '.', '-' and '_'");
		return EXIT_USAGE;
	}
	if (!policy_role_valid(role)) {
		cli_error("--role must be admin, investigator, supervisor or leader");
		return EXIT_USAGE;
	}
	if (!name)
		name = username;
	if (!policy_name_valid(name)) {
		cli_error("--name: 1 to 200 characters of valid UTF-8, no control characters");
		return EXIT_USAGE;
	}
	char password[1100];
	bool generated = pwfile == NULL;
	if (generated) {
		crypto_random_password(password, 20);
	} else if (read_password_file(pwfile, password, sizeof password) != 0) {
		cli_error("--password-file: cannot read %s", pwfile);
		return EXIT_FAIL;
	}
	const char *why = policy_password_problem(password, username, LANG_EN);
	if (why) {
		sodium_memzero(password, sizeof password);
		cli_error("password refused: %s", why);
		return EXIT_FAIL;
	}

	if (crypto_init(1) != 0) {
		cli_error("libsodium could not be initialized");
		return EXIT_FAIL;
	}
	struct config cfg;
	struct store *st;
	if (cli_open_store(&o, &cfg, &st) != 0) {
		sodium_memzero(password, sizeof password);
		return EXIT_FAIL;
	}
	struct store_user u = { 0 };
	crypto_random_id(u.id);
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.name, sizeof u.name, "%s", name);
	snprintf(u.role, sizeof u.role, "%s", role);
	u.created_at = time(NULL);
	u.pw_version = PW_CURRENT;
	randombytes_buf(u.pw_salt, sizeof u.pw_salt);
	unsigned char kek[PW_KEYBYTES];
	rc = password_derive(password, u.pw_salt, u.pw_version, u.pw_verifier, kek);
	sodium_memzero(kek, sizeof kek);
	if (rc == 0)
		rc = store_tx(st, insert, &u);
	sodium_memzero(&u.pw_verifier, sizeof u.pw_verifier);
	st->close(st);
	if (rc == STORE_DUP) {
		cli_error("a user named '%s' already exists", username);
	} else if (rc != STORE_OK) {
		cli_error("could not create the user (see the message above)");
	} else {
		printf("Created %s '%s' (%s).\n", role, username, name);
		if (generated)
			printf("Password (shown once; store it now): %s\n", password);
	}
	sodium_memzero(password, sizeof password);
	return rc == STORE_OK ? EXIT_OK : EXIT_FAIL;
}

static int print_user(void *arg, const struct store_user *u)
{
	char date[16];
	time_t t = (time_t)u->created_at;
	struct tm tm;
	(void)arg;
	strftime(date, sizeof date, "%Y-%m-%d", gmtime_r(&t, &tm));
	printf("%-20s %-13s %-9s %-10s %s\n", u->username, u->role,
	       u->disabled ? "disabled" : u->confirmed ? "confirmed" : "pending", date, u->name);
	return 0;
}

int cmd_user_list(int argc, char **argv)
{
	struct common_opts o;
	int parsed = cli_parse(argc, argv, list_usage, NULL, &o);
	if (parsed != CLI_CONTINUE)
		return parsed;
	struct config cfg;
	struct store *st;
	if (crypto_init(1) != 0 || cli_open_store(&o, &cfg, &st) != 0)
		return EXIT_FAIL;
	printf("%-20s %-13s %-9s %-10s %s\n", "USERNAME", "ROLE", "STATE", "CREATED", "NAME");
	int rc = st->user_list(st->cls, print_user, NULL);
	st->close(st);
	return rc == STORE_OK ? EXIT_OK : EXIT_FAIL;
}
