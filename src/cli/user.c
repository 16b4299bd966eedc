/* user.c: `peluit user add` and `peluit user list`, for the operator who installs Peluit. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/timeutil.h"
#include "core/log.h"
#include "core/policy.h"
#include "crypto/crypto.h"
#include "store/store.h"

static const char add_usage[] =
	"usage: peluit user add --username U --role R [--name N] [--password-file F]\n"
	"                       [--confirm-as S --confirm-password-file G] [--data DIR] [--db URL]\n"
	"\n"
	"Creates a staff account. Roles: admin, investigator, supervisor, leader.\n"
	"\n"
	"With --password-file the account gets its password and key pairs now, and its recovery\n"
	"key is printed once. The first supervisor made this way becomes the trust root: it is\n"
	"confirmed at once, DIR/trust-root is written and its fingerprint printed (keep it on\n"
	"paper). Any other investigator, supervisor or leader is confirmed only with --confirm-as\n"
	"(that supervisor's password, read from G, unlocks their signing key); otherwise it waits\n"
	"for a supervisor in the pending queue. Without --password-file an activation code is\n"
	"printed instead, for the user to choose a password at /staff/activate.\n"
	"\n"
	"  --username U            3 to 64 characters: a-z, 0-9, dot, dash, underscore\n"
	"  --role R                admin | investigator | supervisor | leader\n"
	"  --name N                the name shown to colleagues (default: the username)\n"
	"  --password-file F       the password is the first line of F, without its newline\n"
	"  --confirm-as S          a confirmed supervisor's username\n"
	"  --confirm-password-file G  that supervisor's password\n"
	"  --data DIR, --db URL    as for every command\n";

static const char list_usage[] =
	"usage: peluit user list [--data DIR] [--db URL]\n"
	"\n"
	"Lists the staff accounts: username, role, state (activation, pending, confirmed,\n"
	"refused, disabled), created date and name.\n";

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

struct add {
	struct store_user *u;
	bool root;
};

static int insert_tx(struct store *st, void *arg)
{
	struct add *a = arg;
	int rc = st->user_insert(st->cls, a->u);
	if (rc == STORE_OK)
		rc = audit_append(st, &(struct audit_event){ AUDIT_USER_CREATED, NULL, NULL,
		                                             a->u->username, a->u->role });
	if (rc == STORE_OK && a->root)
		rc = orgkey_create(st, a->u);
	if (rc == STORE_OK && a->root)
		rc = audit_append(st, &(struct audit_event){ AUDIT_USER_CONFIRMED, NULL, NULL,
		                                             a->u->username, "trust root" });
	return rc;
}

/* Unlocks a supervisor's secret keys with their password (for --confirm-as). */
static int unlock_supervisor(struct store *st, const char *username, const char *pwfile,
                             struct store_user *s, unsigned char *sk)
{
	char pw[1100];
	unsigned char verifier[PW_KEYBYTES], kek[PW_KEYBYTES];
	if (read_password_file(pwfile, pw, sizeof pw) != 0) {
		cli_error("--confirm-password-file: cannot read %s", pwfile);
		return -1;
	}
	bool ok = st->user_by_username(st->cls, username, s) == STORE_OK && s->has_keys &&
	          !strcmp(s->role, "supervisor") &&
	          password_derive(pw, s->pw_salt, s->pw_version, verifier, kek) == 0 &&
	          sodium_memcmp(verifier, s->pw_verifier, sizeof verifier) == 0 &&
	          userkeys_unwrap(sk, s->sk_pw, kek, WRAP_PASSWORD, s->id) == 0;
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(kek, sizeof kek);
	if (!ok)
		cli_error("--confirm-as: wrong supervisor or password");
	return ok ? 0 : -1;
}

/* The account without a password: an activation code. */
static int add_for_activation(struct store *st, const char *username, const char *name,
                              const char *role)
{
	struct store_user u;
	char code[ACTIVATION_CHARS + 1];
	struct outcome o = account_create(st, NULL, username, name, role, &u, code);
	if (o.failed) {
		cli_error("%s", o.err == ERR_CONFLICT ? "a user with that name already exists"
		                                      : "could not create the user");
		return EXIT_FAIL;
	}
	printf("Created %s '%s' (%s), awaiting activation.\n", role, username, name);
	printf("Activation code: %s (valid 7 days; give it to the user in person)\n", code);
	return EXIT_OK;
}

static int add_with_password(struct store *st, const struct config *cfg, const char *username,
                             const char *name, const char *role, const char *pwfile,
                             const char *confirm_as, const char *confirm_pw)
{
	char password[1100], recovery[RECOVERY_CHARS + 1], err[512];
	struct trust trust = { 0 };
	if (read_password_file(pwfile, password, sizeof password) != 0) {
		cli_error("--password-file: cannot read %s", pwfile);
		return EXIT_FAIL;
	}
	struct outcome rules = account_password_rules(password, username, LANG_EN, "password");
	if (rules.failed) {
		sodium_memzero(password, sizeof password);
		cli_error("password refused: %s", rules.message);
		return EXIT_FAIL;
	}
	if (trust_load(cfg->data_dir, &trust, err, sizeof err) != 0) {
		cli_error("%s", err);
		return EXIT_FAIL;
	}
	struct store_user u = { 0 }, sup;
	crypto_random_id(u.id);
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.name, sizeof u.name, "%s", name);
	snprintf(u.role, sizeof u.role, "%s", role);
	u.created_at = time(NULL);
	u.confirmed = !strcmp(role, "admin");
	unsigned char *sk = sk_alloc(), *sup_sk = sk_alloc();
	int rc = EXIT_FAIL;
	struct store_org_key existing;
	bool root = !strcmp(role, "supervisor") && !trust.present;
	if (!sk || !sup_sk) {
		cli_error("out of guarded memory");
	} else if (root && st->org_key_current(st->cls, &existing) == STORE_OK) {
		cli_error("the database has a trust root but %s/trust-root is missing: copy it from the "
		          "first server", cfg->data_dir);
	} else if (confirm_as && unlock_supervisor(st, confirm_as, confirm_pw, &sup, sup_sk) != 0) {
		/* reported */
	} else if (account_new_keys(&u, password, sk, recovery) != 0) {
		cli_error("could not derive the password's key (out of memory?)");
	} else {
		if (root) {
			cert_sign(&u, u.id, SK_SIGN(sk), u.created_at);
			u.confirmed = true;
		}
		/* The trust-root file first (O_EXCL: one root even when two commands race). */
		if (root && trust_write(cfg->data_dir, &u, err, sizeof err) != 0) {
			cli_error("%s", err);
		} else {
			int s = store_tx(st, insert_tx, &(struct add){ &u, root });
			if (s == STORE_OK) {
				rc = EXIT_OK;
			} else {
				cli_error(s == STORE_DUP ? "a user named '%s' already exists"
				                         : "could not create '%s' (see the message above)",
				          username);
				if (root) {
					char path[4200];
					config_path(cfg, "trust-root", path, sizeof path);
					unlink(path);
				}
			}
		}
	}
	if (rc == EXIT_OK) {
		printf("Created %s '%s' (%s).\n", role, username, name);
		if (root) {
			char fp[FINGERPRINT_CHARS + 1];
			key_fingerprint(&u, fp);
			printf("This supervisor is the trust root.\nTrust root fingerprint: %s\n"
			       "(Keep it on paper; every supervisor should compare it with the one shown "
			       "to them.)\n", fp);
		} else if (confirm_as) {
			struct store_user out;
			struct outcome c = account_confirm(st, &trust, &sup, sup_sk, u.id, true, &out);
			if (c.failed) {
				cli_error("created, but '%s' could not confirm it (%s): it waits in the pending "
				          "queue", confirm_as, err_code(c.err));
				rc = EXIT_FAIL;
			} else {
				printf("Confirmed by supervisor '%s'.\n", confirm_as);
			}
		} else if (strcmp(role, "admin") != 0) {
			printf("The account is pending confirmation by a supervisor.\n");
		}
		printf("Recovery key (shown once; store it apart from the password): %s\n", recovery);
	}
	sodium_memzero(password, sizeof password);
	sodium_memzero(recovery, sizeof recovery);
	sodium_free(sk);
	sodium_free(sup_sk);
	return rc;
}

int cmd_user_add(int argc, char **argv)
{
	struct common_opts o;
	const char *username = NULL, *role = NULL, *name = NULL, *pwfile = NULL, *confirm_as = NULL,
	           *confirm_pw = NULL;
	const struct cli_opt extra[] = {
		{ "username", &username }, { "role", &role }, { "name", &name },
		{ "password-file", &pwfile }, { "confirm-as", &confirm_as },
		{ "confirm-password-file", &confirm_pw }, { NULL, NULL },
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
	if (confirm_as && !strcmp(role, "admin")) {
		cli_error("--confirm-as is for the reader roles (investigator, supervisor, leader); "
		          "an admin needs no confirmation");
		return EXIT_USAGE;
	}
	if (!confirm_as != !confirm_pw || (confirm_as && !pwfile)) {
		cli_error("--confirm-as needs --confirm-password-file and --password-file (see --help)");
		return EXIT_USAGE;
	}
	if (crypto_init(1) != 0) {
		cli_error("libsodium could not be initialized");
		return EXIT_FAIL;
	}
	struct config cfg;
	struct store *st;
	if (cli_open_store(&o, &cfg, &st) != 0)
		return EXIT_FAIL;
	if (!pwfile) {
		rc = add_for_activation(st, username, name, role);
		st->close(st);
		return rc;
	}
	rc = add_with_password(st, &cfg, username, name, role, pwfile, confirm_as, confirm_pw);
	st->close(st);
	return rc;
}

struct listing {
	const struct trust *t;
	struct store *st;
};

static int print_user(void *arg, const struct store_user *u)
{
	struct listing *l = arg;
	char date[11];
	time_wib_date(u->created_at, date);
	printf("%-20s %-13s %-10s %-10s %s\n", u->username, u->role, account_state(l->t, l->st, u),
	       date, u->name);
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
	struct trust trust = { 0 };
	char err[512];
	if (trust_load(cfg.data_dir, &trust, err, sizeof err) != 0) {
		cli_error("%s", err);
		st->close(st);
		return EXIT_FAIL;
	}
	printf("%-20s %-13s %-10s %-10s %s\n", "USERNAME", "ROLE", "STATE", "CREATED", "NAME");
	int rc = st->user_list(st->cls, print_user, &(struct listing){ &trust, st });
	st->close(st);
	return rc == STORE_OK ? EXIT_OK : EXIT_FAIL;
}
