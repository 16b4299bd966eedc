/* config.c: defaults, the INI file and the environment, in that order. */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/config.h"

void config_defaults(struct config *c)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	memset(c, 0, sizeof *c);
	snprintf(c->data_dir, sizeof c->data_dir, "./var");
	snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
	c->listen_port = 8080;
	snprintf(c->instance_name, sizeof c->instance_name, "Peluit");
	c->rate_limits = true;
	c->max_connections = 1024;
	c->per_ip_connections = 64;
	c->connection_memory = 32 * 1024;
	c->timeout_s = 30;
	c->io_threads = (unsigned)cores;
	c->workers = (unsigned)(cores * 4 < 8 ? 8 : cores * 4);
	c->queue_max = 512;
	c->json_max_body = 64 * 1024;
	c->max_files = 10;
	c->max_file_bytes = 100ull * 1024 * 1024;
	c->max_message_chars = 20000;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "on") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
		*out = true;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "off") || !strcasecmp(v, "no") || !strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static int parse_u64(const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* What the INI callback found wrong, for the error message. */
struct load {
	struct config *c;
	char where[96];      /* "[section] key" of the first bad line */
	char range[64];      /* what a number must be, when it was not a number in range */
};

/* A number in [min, max] into *out; -1 when it is not one, with the range noted in l. */
static int set_u64(struct load *l, uint64_t *out, const char *v, uint64_t min, uint64_t max)
{
	if (parse_u64(v, min, max, out) == 0)
		return 0;
	snprintf(l->range, sizeof l->range, "a whole number from %llu to %llu",
	         (unsigned long long)min, (unsigned long long)max);
	return -1;
}

static int set_unsigned(struct load *l, unsigned *dst, const char *v, uint64_t min, uint64_t max)
{
	uint64_t n;
	if (set_u64(l, &n, v, min, max))
		return -1;
	*dst = (unsigned)n;
	return 0;
}

static int set_size(struct load *l, size_t *dst, const char *v, uint64_t min, uint64_t max)
{
	uint64_t n;
	if (set_u64(l, &n, v, min, max))
		return -1;
	*dst = (size_t)n;
	return 0;
}

static int set_string(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* One key of the INI file; returns 0 on success so that inih reports the failing line. */
static int apply(struct load *l, const char *section, const char *key, const char *v)
{
	struct config *c = l->c;
#define IS(s, k) (!strcmp(section, s) && !strcmp(key, k))
	if (IS("", "instance_name"))
		return set_string(c->instance_name, sizeof c->instance_name, v);
	if (IS("", "listen"))
		return config_set_listen(c, v);
	if (IS("", "db"))
		return set_string(c->db_url, sizeof c->db_url, v);
	if (IS("", "https"))
		return parse_bool(v, &c->https);
	if (IS("", "rate_limits"))
		return parse_bool(v, &c->rate_limits);
	if (IS("http", "max_connections"))
		return set_unsigned(l, &c->max_connections, v, 1, 100000);
	if (IS("http", "per_ip_connections"))
		return set_unsigned(l, &c->per_ip_connections, v, 1, 100000);
	if (IS("http", "connection_memory"))
		return set_size(l, &c->connection_memory, v, 8192, 16 << 20);
	if (IS("http", "timeout"))
		return set_unsigned(l, &c->timeout_s, v, 1, 3600);
	if (IS("http", "io_threads"))
		return set_unsigned(l, &c->io_threads, v, 1, 256);
	if (IS("http", "workers"))
		return set_unsigned(l, &c->workers, v, 1, 1024);
	if (IS("http", "queue_max"))
		return set_unsigned(l, &c->queue_max, v, 1, 1000000);
	if (IS("http", "json_max_body"))
		return set_size(l, &c->json_max_body, v, 1024, 16 << 20);
	/* The same ranges as the admin's settings (src/accounts/settings.c): a default the admin
	 * could not set again is refused, not clamped. */
	if (IS("limits", "max_files"))
		return set_unsigned(l, &c->max_files, v, 0, LIMIT_MAX_FILES);
	if (IS("limits", "max_file_bytes"))
		return set_u64(l, &c->max_file_bytes, v, 1, LIMIT_MAX_FILE_BYTES);
	if (IS("limits", "max_message_chars"))
		return set_unsigned(l, &c->max_message_chars, v,
		                    LIMIT_MIN_MESSAGE_CHARS, LIMIT_MAX_MESSAGE_CHARS);
#undef IS
	return -1;
}

static int ini_cb(void *user, const char *section, const char *key, const char *value)
{
	struct load *l = user;
	if (apply(l, section, key, value) == 0)
		return 1;
	if (!l->where[0])
		snprintf(l->where, sizeof l->where, "%s%s%s%s", *section ? "[" : "", section,
		         *section ? "] " : "", key);
	return 0;
}

int config_load_file(struct config *c, char *err, size_t errlen)
{
	char path[4200];
	if (config_path(c, "peluit.conf", path, sizeof path) != 0) {
		snprintf(err, errlen, "data directory path too long");
		return -1;
	}
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1);
	struct load l = { .c = c };
	int line = ini_parse_file(f, ini_cb, &l);
	fclose(f);
	if (line > 0 && l.where[0] && l.range[0])
		snprintf(err, errlen, "%s:%d: %s must be %s", path, line, l.where, l.range);
	else if (line > 0 && l.where[0])
		snprintf(err, errlen, "%s:%d: %s: unknown setting or bad value", path, line, l.where);
	else if (line != 0)
		snprintf(err, errlen, "%s:%d: not a valid line", path, line);
	if (line != 0)
		return -1;
	return 0;
}

int config_load_env(struct config *c, char *err, size_t errlen)
{
	const char *v;
	if ((v = getenv("PELUIT_DATA")) && *v && set_string(c->data_dir, sizeof c->data_dir, v))
		return snprintf(err, errlen, "PELUIT_DATA is too long"), -1;
	if ((v = getenv("PELUIT_DB")) && *v && set_string(c->db_url, sizeof c->db_url, v))
		return snprintf(err, errlen, "PELUIT_DB is too long"), -1;
	if ((v = getenv("PELUIT_LISTEN")) && *v && config_set_listen(c, v))
		return snprintf(err, errlen, "PELUIT_LISTEN must be HOST:PORT"), -1;
	if ((v = getenv("PELUIT_RATE_LIMITS")) && *v && parse_bool(v, &c->rate_limits))
		return snprintf(err, errlen, "PELUIT_RATE_LIMITS must be on or off"), -1;
	return 0;
}

int config_set_listen(struct config *c, const char *addr)
{
	const char *colon = strrchr(addr, ':');
	if (!colon || colon == addr)
		return -1;
	size_t hlen = (size_t)(colon - addr);
	const char *host = addr;
	if (addr[0] == '[' && colon[-1] == ']') { /* [::1]:8080 */
		host++;
		hlen -= 2;
	}
	uint64_t port;
	if (hlen == 0 || hlen >= sizeof c->listen_host || parse_u64(colon + 1, 0, 65535, &port))
		return -1;
	memcpy(c->listen_host, host, hlen);
	c->listen_host[hlen] = '\0';
	c->listen_port = (unsigned)port;
	return 0;
}

int config_path(const struct config *c, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", c->data_dir, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
