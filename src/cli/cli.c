/* cli.c: configuration and error output shared by every command. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("peluit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_config(struct config *c, const struct common_opts *o)
{
	char err[512];
	config_defaults(c);
	/* The data directory comes first: it holds the configuration file. */
	if (config_load_env(c, err, sizeof err) != 0)
		return cli_error("%s", err), -1;
	if (o->data && snprintf(c->data_dir, sizeof c->data_dir, "%s", o->data) >= (int)sizeof c->data_dir)
		return cli_error("--data: path too long"), -1;
	if (config_load_file(c, err, sizeof err) != 0)
		return cli_error("%s", err), -1;
	/* The environment and flags win over the file. */
	if (config_load_env(c, err, sizeof err) != 0)
		return cli_error("%s", err), -1;
	if (o->data)
		snprintf(c->data_dir, sizeof c->data_dir, "%s", o->data);
	if (o->db && snprintf(c->db_url, sizeof c->db_url, "%s", o->db) >= (int)sizeof c->db_url)
		return cli_error("--db: too long"), -1;
	if (o->listen && config_set_listen(c, o->listen) != 0)
		return cli_error("--listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080"), -1;
	return 0;
}

int cli_parse(int argc, char **argv, const char *usage, const struct cli_opt *extra,
              struct common_opts *o)
{
	enum { MAX_OPTS = 16, EXTRA_BASE = 256 };
	struct option opts[MAX_OPTS] = {
		{ "data", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
	};
	int n = 3;
	for (int i = 0; extra && extra[i].name && n < MAX_OPTS - 1; i++, n++)
		opts[n] = (struct option){ extra[i].name, required_argument, NULL, EXTRA_BASE + i };
	memset(o, 0, sizeof *o);
	optind = 1;
	opterr = 0; /* our own one-line messages instead of getopt's */
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd') {
			o->data = optarg;
		} else if (ch == 'b') {
			o->db = optarg;
		} else if (ch == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if (ch >= EXTRA_BASE) {
			*extra[ch - EXTRA_BASE].dest = optarg;
		} else {
			cli_error("unknown option or missing value: '%s' (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_error("unexpected argument '%s' (see --help)", argv[optind]);
		return EXIT_USAGE;
	}
	return CLI_CONTINUE;
}

int cli_open_store(const struct common_opts *o, struct config *cfg, struct store **st)
{
	char err[512];
	if (cli_config(cfg, o) != 0)
		return -1;
	*st = store_open(cfg->db_url, cfg->data_dir, false, err, sizeof err);
	if (!*st) {
		cli_error("%s", err);
		return -1;
	}
	int have, want;
	if ((*st)->schema_check((*st)->cls, &have, &want) != STORE_OK) {
		cli_error("the database schema is version %d, this program needs %d: run 'peluit init'",
		          have, want);
		(*st)->close(*st);
		return -1;
	}
	return 0;
}
