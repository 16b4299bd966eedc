/* config.h: every setting of a Peluit process, with its default, in one struct.
 * Order of precedence: defaults, then DATA/peluit.conf (INI), then the environment
 * (PELUIT_DATA, PELUIT_DB, PELUIT_LISTEN, PELUIT_RATE_LIMITS), then command-line flags. */
#ifndef PELUIT_CONFIG_H
#define PELUIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ranges of the [limits] keys, shared with the admin's settings (PATCH /staff/settings), so
 * a default from the file is always one the admin could set again. */
#define LIMIT_MAX_FILES 100
#define LIMIT_MAX_FILE_BYTES (1ull << 30)
#define LIMIT_MIN_MESSAGE_CHARS 20
#define LIMIT_MAX_MESSAGE_CHARS 100000

struct config {
	char data_dir[4096];
	char db_url[4096];         /* empty: SQLite at DATA/peluit.db */
	char listen_host[256];
	unsigned listen_port;
	char instance_name[200];
	bool https;                /* served over TLS (usually by a reverse proxy): HSTS, Secure cookies */
	bool rate_limits;          /* abuse limits; PELUIT_RATE_LIMITS=off turns them off */

	/* [http] */
	unsigned max_connections;      /* open connections in all */
	unsigned per_ip_connections;   /* open connections per client address */
	size_t connection_memory;      /* bytes per connection for headers and buffers */
	unsigned timeout_s;            /* idle seconds before a connection is closed */
	unsigned io_threads;           /* libmicrohttpd epoll threads */
	unsigned workers;              /* threads running blocking work (database, Argon2id) */
	unsigned queue_max;            /* requests waiting for a worker before 503 */
	size_t json_max_body;          /* largest JSON body */

	/* [limits]: defaults of API.md; the admin's settings override them at run time */
	unsigned max_files;
	uint64_t max_file_bytes;
	unsigned max_message_chars;
};

/* Fills `c` with the defaults. */
void config_defaults(struct config *c);

/* Reads DATA/peluit.conf when it exists. Returns 0, or -1 with a message in err naming the
 * line and key at fault (and the accepted range of a number out of range). */
int config_load_file(struct config *c, char *err, size_t errlen);

/* Applies PELUIT_* environment variables. Returns 0, or -1 with err set. */
int config_load_env(struct config *c, char *err, size_t errlen);

/* Parses "HOST:PORT" into c->listen_host and c->listen_port. Returns 0 or -1. */
int config_set_listen(struct config *c, const char *addr);

/* Path of a file in the data directory, e.g. config_path(c, "secrets", buf, sizeof buf).
 * Returns 0, or -1 when it does not fit. */
int config_path(const struct config *c, const char *name, char *buf, size_t len);

#endif
