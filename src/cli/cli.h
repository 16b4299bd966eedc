/* cli.h: the commands of `peluit` and what they share: options, configuration, exit codes. */
#ifndef PELUIT_CLI_H
#define PELUIT_CLI_H

#include "core/config.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct command {
	const char *name; /* "user add" */
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Options every command takes. */
struct common_opts {
	const char *data; /* --data */
	const char *db;   /* --db */
	const char *listen;
};

/* A command's own option: --name VALUE stores VALUE in *dest. */
struct cli_opt {
	const char *name;
	const char **dest;
};

#define CLI_CONTINUE (-1)

/* Parses --data, --db, --help and the command's `extra` options (NULL-name terminated, or
 * NULL). Returns CLI_CONTINUE, or the exit code to return at once: EXIT_OK after printing
 * `usage` for --help, EXIT_USAGE after printing it to stderr for anything unknown. */
int cli_parse(int argc, char **argv, const char *usage, const struct cli_opt *extra,
              struct common_opts *o);

/* Builds the configuration: defaults, DATA/peluit.conf, environment, then flags.
 * Returns 0, or prints a one-line error and returns -1. */
int cli_config(struct config *c, const struct common_opts *o);

struct store;
/* Builds the configuration and opens its store, checking the schema version. Returns 0, or
 * prints a one-line error and returns -1. */
int cli_open_store(const struct common_opts *o, struct config *cfg, struct store **st);

/* Prints "peluit: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user_add(int argc, char **argv);
int cmd_user_list(int argc, char **argv);
int cmd_audit_verify(int argc, char **argv);
int cmd_migrate(int argc, char **argv);

#endif
