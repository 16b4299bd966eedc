/* migrate.c: `peluit migrate`: copies a whole instance from one database into an empty one
 * (SQLite to PostgreSQL), table by table through store.h's row copy, in one transaction on the
 * target. */
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage[] =
	"usage: peluit migrate --from URL --to URL\n"
	"\n"
	"Copies every table of a Peluit database (--from, e.g. sqlite:/srv/peluit/data/peluit.db)\n"
	"into an empty database (--to, e.g. postgresql://peluit@db.example/peluit): users, keys,\n"
	"sessions, settings, reports, messages, files, events, notes, identity requests, read\n"
	"markers, the audit trail and its signatures, case numbers. The target gets the schema\n"
	"first and everything in one transaction: after a failure it is left as it was. A target\n"
	"that already holds data is refused.\n"
	"Stop every server of the source first. DATA/secrets and DATA/trust-root are not in the\n"
	"database: keep them (every server needs the same ones). Progress goes to stderr.\n"
	"Exits 0 when everything was copied, 1 on failure, 2 on a usage error.\n";

struct copy {
	struct store *to;
	const struct store_table *t;
	int64_t rows;
};

static int copy_row(void *arg, const struct store_value *row)
{
	struct copy *c = arg;
	int rc = c->to->table_insert(c->to->cls, c->t, row);
	if (rc == STORE_OK && ++c->rows % 10000 == 0)
		fprintf(stderr, "migrate: %s: %lld rows…\n", c->t->name, (long long)c->rows);
	return rc;
}

/* Copies every table inside the target's transaction. */
static int copy_all(struct store *from, struct store *to)
{
	for (size_t i = 0; i < store_tables_count; i++) {
		struct copy c = { to, &store_tables[i], 0 };
		int rc = from->table_each(from->cls, c.t, copy_row, &c);
		if (rc != STORE_OK) {
			cli_error("copying %s failed (see the message above)", c.t->name);
			return rc;
		}
		fprintf(stderr, "migrate: %s: %lld rows\n", c.t->name, (long long)c.rows);
	}
	return STORE_OK;
}

/* 0 when every table of the target is empty (or, `same`, holds as many rows as the source). */
static int compare_counts(struct store *from, struct store *to, bool same)
{
	for (size_t i = 0; i < store_tables_count; i++) {
		const struct store_table *t = &store_tables[i];
		int64_t want = 0, have;
		if ((same && from->table_count(from->cls, t, &want) != STORE_OK) ||
		    to->table_count(to->cls, t, &have) != STORE_OK) {
			cli_error("could not count the rows of %s (see the message above)", t->name);
			return -1;
		}
		if (have != want) {
			if (same)
				cli_error("%s: %lld rows copied of %lld", t->name, (long long)have,
				          (long long)want);
			else
				cli_error("the target already holds data (%s): migrate only into an empty "
				          "database", t->name);
			return -1;
		}
	}
	return 0;
}

static int migrate(struct store *from, struct store *to)
{
	int have, want, v0, v1;
	if (from->schema_check(from->cls, &have, &want) != STORE_OK) {
		cli_error("the source's schema is version %d, this program needs %d: run 'peluit init' "
		          "on it first", have, want);
		return EXIT_FAIL;
	}
	if (!from->table_each || !to->table_insert) {
		cli_error("migrate copies from %s to %s only the other way (sqlite to postgresql)",
		          from->backend, to->backend);
		return EXIT_FAIL;
	}
	if (to->migrate(to->cls, &v0, &v1) != STORE_OK) {
		cli_error("could not create the schema in the target (see the message above)");
		return EXIT_FAIL;
	}
	if (compare_counts(from, to, false) != 0)
		return EXIT_FAIL;
	fprintf(stderr, "migrate: copying from %s to %s (schema version %d)\n", from->backend,
	        to->backend, v1);
	int rc = to->begin(to->cls);
	if (rc == STORE_OK && (rc = copy_all(from, to)) == STORE_OK)
		rc = to->commit(to->cls);
	if (rc != STORE_OK) {
		to->rollback(to->cls);
		cli_error("nothing was copied: the target is as it was");
		return EXIT_FAIL;
	}
	if (compare_counts(from, to, true) != 0)
		return EXIT_FAIL;
	fprintf(stderr, "migrate: done; every table holds as many rows as the source\n");
	return EXIT_OK;
}

int cmd_migrate(int argc, char **argv)
{
	const char *from_url = NULL, *to_url = NULL;
	const struct cli_opt extra[] = { { "from", &from_url }, { "to", &to_url }, { NULL, NULL } };
	struct common_opts o;
	int rc = cli_parse(argc, argv, usage, extra, &o);
	if (rc != CLI_CONTINUE)
		return rc;
	if (!from_url || !*from_url || !to_url || !*to_url) {
		cli_error("both --from URL and --to URL are needed (see --help)");
		return EXIT_USAGE;
	}
	char err[512];
	struct store *from = store_open(from_url, "", false, err, sizeof err);
	if (!from) {
		cli_error("--from: %s", err);
		return EXIT_FAIL;
	}
	struct store *to = store_open(to_url, "", false, err, sizeof err);
	if (!to) {
		cli_error("--to: %s", err);
		from->close(from);
		return EXIT_FAIL;
	}
	rc = migrate(from, to);
	to->close(to);
	from->close(from);
	return rc;
}
