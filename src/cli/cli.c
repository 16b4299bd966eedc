/* cli.c: configuration and error output shared by every command. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

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
