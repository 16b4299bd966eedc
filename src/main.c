/* main.c: the command table of `peluit`; nothing else. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static const struct command commands[] = {
	{ "init", cmd_init, "create the data directory, secrets and database (or migrate it)" },
	{ "serve", cmd_serve, "serve Peluit over HTTP" },
	{ "user add", cmd_user_add, "create a staff account" },
	{ "user list", cmd_user_list, "list the staff accounts" },
	{ "audit verify", cmd_audit_verify, "check every link and signature of the audit trail" },
	{ "migrate", cmd_migrate, "copy a whole instance into an empty database (SQLite to PostgreSQL)" },
};

static void usage(FILE *out)
{
	fputs("usage: peluit COMMAND [OPTIONS]   (peluit COMMAND --help for its options)\n\n", out);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fputs("\nEvery command takes --data DIR (default ./var, or PELUIT_DATA) and --db URL.\n"
	      "Exit codes: 0 ok, 1 failure, 2 usage.\n", out);
}

int main(int argc, char **argv)
{
	umask(077); /* everything Peluit writes is for its own user only */
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		const char *name = commands[i].name, *space = strchr(name, ' ');
		if (!space && !strcmp(argv[1], name))
			return commands[i].run(argc - 1, argv + 1);
		if (space && argc >= 3 && !strncmp(argv[1], name, (size_t)(space - name)) &&
		    strlen(argv[1]) == (size_t)(space - name) && !strcmp(argv[2], space + 1))
			return commands[i].run(argc - 2, argv + 2);
	}
	if (!strcmp(argv[1], "user") || !strcmp(argv[1], "audit"))
		fprintf(stderr, "peluit: '%s' needs a subcommand (see peluit --help)\n", argv[1]);
	else
		fprintf(stderr, "peluit: unknown command '%s' (see peluit --help)\n", argv[1]);
	return EXIT_USAGE;
}
