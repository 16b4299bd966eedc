/* init.c: `peluit init`: the data directory, the instance secrets and the database schema.
 * Safe to run again: it keeps the secrets and applies only missing migrations. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/crypto.h"
#include "store/store.h"

static const char usage[] =
	"usage: peluit init [--data DIR] [--db URL]\n"
	"\n"
	"Creates the data directory (mode 0700), the instance secrets file DIR/secrets (0600;\n"
	"back it up apart from the database) and the database, or brings an existing database\n"
	"up to this version's schema.\n"
	"\n"
	"  --data DIR   data directory (default ./var, or PELUIT_DATA)\n"
	"  --db URL     database (default SQLite in DIR; or PELUIT_DB)\n";

/* mkdir -p with mode 0700 for the directories it creates. */
static int make_dirs(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -1;
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0700) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int cmd_init(int argc, char **argv)
{
	struct common_opts o;
	int rc = cli_parse(argc, argv, usage, NULL, &o);
	if (rc != CLI_CONTINUE)
		return rc;
	struct config cfg;
	if (cli_config(&cfg, &o) != 0)
		return EXIT_FAIL;
	if (make_dirs(cfg.data_dir) != 0) {
		cli_error("%s: %s", cfg.data_dir, strerror(errno));
		return EXIT_FAIL;
	}
	char path[4200], err[512];
	config_path(&cfg, "secrets", path, sizeof path);
	bool fresh = access(path, F_OK) != 0;
	if (fresh && secrets_create(path, err, sizeof err) != 0) {
		cli_error("%s", err);
		return EXIT_FAIL;
	}
	struct store *st = store_open(cfg.db_url, cfg.data_dir, true, err, sizeof err);
	if (!st) {
		cli_error("%s", err);
		return EXIT_FAIL;
	}
	int from, to;
	rc = st->migrate(st->cls, &from, &to);
	st->close(st);
	if (rc != STORE_OK) {
		cli_error("database migration failed (see the message above)");
		return EXIT_FAIL;
	}
	printf("Peluit data directory ready: %s\n", cfg.data_dir);
	if (fresh)
		printf("  created %s: back it up apart from the database\n", path);
	if (from != to)
		printf("  database schema: version %d -> %d\n", from, to);
	else
		printf("  database schema: version %d (up to date)\n", to);
	return EXIT_OK;
}
