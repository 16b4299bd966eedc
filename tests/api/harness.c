/* API test harness: spawns `peluit serve` on a free port in a temp data dir, makes HTTP requests. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#define START_TIMEOUT_S 20.0
#define STOP_TIMEOUT_S 15.0
#define CMD_TIMEOUT_S 120.0

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

const char *server_bin(void)
{
	const char *b = getenv("PELUIT_BIN");
	return b && *b ? b : "build/test/peluit";
}

/* ---- files ---- */

static char *read_file_from(const char *path, size_t offset)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? strdup("") : NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		return NULL;
	}
	if (offset && lseek(fd, (off_t)offset, SEEK_SET) < 0) {
		free(buf);
		close(fd);
		return strdup("");
	}
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

char *server_log(const struct server *s)
{
	return read_file_from(s->log_path, 0);
}

char *server_log_since(const struct server *s, size_t offset)
{
	return read_file_from(s->log_path, offset);
}

size_t server_log_size(const struct server *s)
{
	struct stat st;
	return stat(s->log_path, &st) == 0 ? (size_t)st.st_size : 0;
}

static void dump_file(const char *title, const char *path)
{
	char *t = read_file_from(path, 0);
	fprintf(stderr, "----- %s (%s) -----\n%s\n----- end -----\n", title, path, t ? t : "(unreadable)");
	free(t);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0)
		fprintf(stderr, "harness: cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

static void remove_tree(const char *dir)
{
	if (!dir[0])
		return;
	if (getenv("PELUIT_KEEP_TMP")) {
		fprintf(stderr, "harness: keeping %s\n", dir);
		return;
	}
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- processes ---- */

/* Waits for pid at most `timeout` seconds. Returns the exit status (128 + signal when signalled),
 * -2 on timeout, -1 on error. */
static int wait_child(pid_t pid, double timeout)
{
	double deadline = now_seconds() + timeout;
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			if (WIFEXITED(st))
				return WEXITSTATUS(st);
			if (WIFSIGNALED(st))
				return 128 + WTERMSIG(st);
			return -1;
		}
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_seconds() > deadline)
			return -2;
		sleep_ms(10);
	}
}

/* Runs argv with stdout and stderr appended to out_path; returns its exit status or -1. */
static int run_cmd(char *const argv[], const char *out_path)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int in = open("/dev/null", O_RDONLY);
		if (fd < 0 || in < 0)
			_exit(126);
		dup2(in, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	int st = wait_child(pid, CMD_TIMEOUT_S);
	if (st == -2) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return st;
}

static int write_secret_file(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t len = strlen(content), off = 0;
	while (off < len) {
		ssize_t n = write(fd, content + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (write(fd, "\n", 1) != 1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int spawn_serve(struct server *s);
static int spawn_serve_env(struct server *s, bool rate_limits);

/* Reads stdout lines until the "Peluit serving on http://…/" line; fills base and port. */
static int await_ready(struct server *s)
{
	char buf[4096];
	size_t len = 0;
	double deadline = now_seconds() + START_TIMEOUT_S;
	for (;;) {
		double left = deadline - now_seconds();
		if (left <= 0) {
			fprintf(stderr, "harness: no \"Peluit serving on\" line within %.0f s\n",
			        START_TIMEOUT_S);
			return -1;
		}
		struct pollfd p = { .fd = s->out_fd, .events = POLLIN };
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		if (len + 1 >= sizeof buf)
			len = 0; /* a very long line without the marker: drop it */
		ssize_t n = read(s->out_fd, buf + len, sizeof buf - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "harness: serve closed stdout before it was ready\n");
			return -1;
		}
		len += (size_t)n;
		buf[len] = '\0';
		char *nl;
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			const char *mark = strstr(buf, "Peluit serving on http://127.0.0.1:");
			if (mark) {
				const char *url = strstr(mark, "http://");
				char *end;
				long port = strtol(url + strlen("http://127.0.0.1:"), &end, 10);
				if (port <= 0 || port > 65535 || *end != '/') {
					fprintf(stderr, "harness: bad serving line: %s\n", buf);
					return -1;
				}
				s->port = (int)port;
				snprintf(s->base, sizeof s->base, "http://127.0.0.1:%ld", port);
				return 0;
			}
			size_t rest = len - (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, rest + 1);
			len = rest;
		}
	}
}

/* ---- the database ---- */

const char *db_pg_base(void)
{
	const char *b = getenv("PELUIT_TEST_PG");
	return b && *b ? b : NULL;
}

const char *db_dir(const struct server *s)
{
	const char *d = getenv("PELUIT_TEST_PG_DIR");
	return s->db[0] && d && *d ? d : s->data;
}

/* A connection to database `name` of the test cluster, or NULL (printed). */
static PGconn *pg_connect(const char *name)
{
	char url[512];
	snprintf(url, sizeof url, "%s/%s", db_pg_base(), name);
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "harness: %s: %s", url, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

int db_pg_admin(const char *name, bool create)
{
	PGconn *c = pg_connect("postgres");
	if (!c)
		return -1;
	char sql[160];
	snprintf(sql, sizeof sql, create ? "CREATE DATABASE \"%s\"" :
	         "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
	PGresult *r = PQexec(c, sql);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc)
		fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

/* With $PELUIT_TEST_PG: a fresh database for s, named in its data directory's peluit.conf. */
static int db_attach(struct server *s)
{
	if (!db_pg_base())
		return 0;
	char name[sizeof s->db], conf[160], line[600];
	snprintf(name, sizeof name, "t_%s", strrchr(s->root, '-') + 1);
	if (db_pg_admin(name, true) != 0)
		return -1;
	snprintf(s->db, sizeof s->db, "%s", name);
	snprintf(conf, sizeof conf, "%s/peluit.conf", s->data);
	snprintf(line, sizeof line, "db = %s/%s", db_pg_base(), name);
	return write_secret_file(conf, line);
}

/* Drops the server's database (if any) and removes its temp dir. */
static void server_remove(struct server *s)
{
	if (s->db[0]) {
		db_pg_admin(s->db, false);
		s->db[0] = '\0';
	}
	remove_tree(s->root);
	s->root[0] = '\0';
}

/* sql with each ? made $1, $2 … in order and each ?N made $N, for PostgreSQL (no ? stands
 * in a literal of the suite's statements). */
static void pg_sql(const char *sql, char *out, size_t len)
{
	size_t n = 0;
	int i = 0;
	for (const char *c = sql; *c && n + 12 < len; c++) {
		if (*c == '?' && c[1] >= '0' && c[1] <= '9')
			out[n++] = '$';
		else if (*c == '?')
			n += (size_t)snprintf(out + n, len - n, "$%d", ++i);
		else
			out[n++] = *c;
	}
	out[n] = '\0';
}

long long db_query(const struct server *s, const char *sql, const char *const *params,
                   int nparams, const void *blob, int blob_len,
                   void (*cb)(void *arg, const char *a, const char *b), void *arg,
                   long long *first)
{
	enum { MAXP = 8 };
	long long n = 0;
	assert_true(nparams >= 0 && nparams < MAXP);
	if (s->db[0]) {
		char q[2048];
		const char *v[MAXP + 1];
		int lens[MAXP + 1] = { 0 }, fmts[MAXP + 1] = { 0 }, k = 0;
		pg_sql(sql, q, sizeof q);
		if (blob) {
			v[k] = blob;
			lens[k] = blob_len;
			fmts[k++] = 1;
		}
		for (int i = 0; i < nparams; i++)
			v[k++] = params[i];
		PGconn *c = pg_connect(s->db);
		assert_non_null(c);
		PGresult *r = PQexecParams(c, q, k, NULL, v, lens, fmts, 0);
		ExecStatusType st = PQresultStatus(r);
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
			print_error("%s: %s", q, PQerrorMessage(c));
		assert_true(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
		if (st == PGRES_COMMAND_OK)
			n = atoll(PQcmdTuples(r));
		for (int i = 0; st == PGRES_TUPLES_OK && i < PQntuples(r); i++, n++) {
			if (i == 0 && first)
				*first = atoll(PQgetvalue(r, 0, 0));
			if (cb)
				cb(arg, PQgetvalue(r, i, 0), PQnfields(r) > 1 ? PQgetvalue(r, i, 1) : "");
		}
		PQclear(r);
		PQfinish(c);
		return n;
	}
	char path[160];
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	snprintf(path, sizeof path, "%s/peluit.db", s->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		print_error("%s: %s (the schema changed?)\n", sql, sqlite3_errmsg(db));
	assert_int_equal(rc, SQLITE_OK);
	int k = 1;
	if (blob)
		sqlite3_bind_blob(st, k++, blob, blob_len, SQLITE_TRANSIENT);
	for (int i = 0; i < nparams; i++)
		sqlite3_bind_text(st, k++, params[i], -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == 0 && first)
			*first = sqlite3_column_int64(st, 0);
		if (cb)
			cb(arg, (const char *)sqlite3_column_text(st, 0),
			   sqlite3_column_count(st) > 1 ? (const char *)sqlite3_column_text(st, 1) : "");
		n++;
	}
	if (rc != SQLITE_DONE)
		print_error("%s: %s\n", sql, sqlite3_errmsg(db));
	assert_int_equal(rc, SQLITE_DONE);
	if (sqlite3_column_count(st) == 0)
		n = sqlite3_changes(db);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* With one optional text parameter. */
static long long db_do(const struct server *s, const char *sql, const char *param,
                       void (*cb)(void *, const char *, const char *), void *arg,
                       long long *first)
{
	return db_query(s, sql, &param, param ? 1 : 0, NULL, 0, cb, arg, first);
}

long long db_value(const struct server *s, const char *sql)
{
	long long v = 0;
	assert_true(db_do(s, sql, NULL, NULL, NULL, &v) > 0);
	return v;
}

long long db_run(const struct server *s, const char *sql)
{
	return db_do(s, sql, NULL, NULL, NULL, NULL);
}

void db_rows(const struct server *s, const char *sql, const char *param,
             void (*cb)(void *arg, const char *a, const char *b), void *arg)
{
	db_do(s, sql, param, cb, arg, NULL);
}

int server_start(struct server *s, const struct user_spec *users, size_t n_users)
{
	if (server_prepare(s) != 0)
		return -1;
	const char *bin = server_bin();
	char cli_log[128];
	int st;
	snprintf(cli_log, sizeof cli_log, "%s/cli.log", s->root);

	for (size_t i = 0; i < n_users; i++) {
		char pw[128];
		snprintf(pw, sizeof pw, "%s/password-%zu", s->root, i);
		if (write_secret_file(pw, users[i].password) != 0) {
			fprintf(stderr, "harness: cannot write %s\n", pw);
			goto fail;
		}
		char *argv[] = { (char *)bin, "user", "add", "--data", s->data,
		                 "--username", (char *)users[i].username,
		                 "--role", (char *)users[i].role,
		                 "--name", (char *)users[i].name,
		                 "--password-file", pw, NULL };
		st = run_cmd(argv, cli_log);
		if (st != 0) {
			fprintf(stderr, "harness: `user add --username %s --role %s` exited with %d\n",
			        users[i].username, users[i].role, st);
			dump_file("user add output", cli_log);
			goto fail;
		}
	}

	if (spawn_serve(s) != 0)
		goto fail;
	return 0;

fail:
	server_remove(s);
	return -1;
}

/* Spawns `serve` on s->data with its stderr appended to s->log_path and waits for its ready line.
 * Returns 0, or -1 with the process gone (the directory is left to the caller). */
static int spawn_serve(struct server *s)
{
	return spawn_serve_env(s, false);
}

/* spawn_serve, with the abuse limits on when rate_limits is true. */
static int spawn_serve_env(struct server *s, bool rate_limits)
{
	const char *bin = server_bin();
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		fprintf(stderr, "harness: pipe: %s\n", strerror(errno));
		return -1;
	}
	char listen_arg[] = "127.0.0.1:0";
	char *serve_argv[] = { (char *)bin, "serve", "--data", s->data, "--listen", listen_arg, NULL };
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		int err = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int in = open("/dev/null", O_RDONLY);
		if (err < 0 || in < 0)
			_exit(126);
		dup2(in, 0);
		dup2(pfd[1], 1);
		dup2(err, 2);
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive a crashed test run */
		if (getppid() == 1)
			_exit(125);
		if (rate_limits)
			unsetenv("PELUIT_RATE_LIMITS");
		else
			setenv("PELUIT_RATE_LIMITS", "off", 1);
		execv(serve_argv[0], serve_argv);
		_exit(127);
	}
	close(pfd[1]);
	s->pid = pid;
	s->out_fd = pfd[0];
	if (await_ready(s) != 0) {
		dump_file("serve log", s->log_path);
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
		close(s->out_fd);
		s->out_fd = -1;
		return -1;
	}
	return 0;
}

int server_stop(struct server *s)
{
	int st = -1;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		st = wait_child(s->pid, STOP_TIMEOUT_S);
		if (st == -2) {
			fprintf(stderr, "harness: serve did not exit within %.0f s of SIGTERM\n",
			        STOP_TIMEOUT_S);
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
			st = -1;
		}
		s->pid = 0;
	}
	if (s->out_fd >= 0) {
		close(s->out_fd);
		s->out_fd = -1;
	}
	if (s->root[0]) {
		if (st != 0 || getenv("PELUIT_TEST_VERBOSE")) {
			fprintf(stderr, "harness: serve exit status %d\n", st);
			dump_file("serve log", s->log_path);
		}
		server_remove(s);
	}
	return st;
}

/* ---- HTTP over libcurl ---- */

void http_global_init(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
}

void http_global_cleanup(void)
{
	curl_global_cleanup();
}

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *np = realloc(b->p, cap);
		if (!np)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct buf *b = userp;
	return buf_add(b, data, size * nmemb) == 0 ? size * nmemb : 0;
}

static void free_headers(struct response *r)
{
	for (size_t i = 0; i < r->n_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	r->headers = NULL;
	r->n_headers = 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct response *r = userp;
	size_t n = size * nmemb;
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		free_headers(r); /* a new response (after 100 Continue): keep only the last one */
		return n;
	}
	const char *colon = memchr(data, ':', n);
	if (!colon)
		return n;
	size_t nlen = (size_t)(colon - data);
	const char *v = colon + 1, *end = data + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	struct header *nh = realloc(r->headers, (r->n_headers + 1) * sizeof *nh);
	if (!nh)
		return 0;
	r->headers = nh;
	nh[r->n_headers].name = strndup(data, nlen);
	nh[r->n_headers].value = strndup(v, (size_t)(end - v));
	if (!nh[r->n_headers].name || !nh[r->n_headers].value)
		return 0;
	r->n_headers++;
	return n;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t on_read(char *dest, size_t size, size_t nmemb, void *userp)
{
	struct upload *u = userp;
	size_t n = size * nmemb;
	if (n > u->left)
		n = u->left;
	if (n > 16384)
		n = 16384; /* several chunks */
	memcpy(dest, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static bool has_header(const char *const *headers, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; headers && headers[i]; i++)
		if (strncasecmp(headers[i], name, nl) == 0 && headers[i][nl] == ':')
			return true;
	return false;
}

int http_do(const struct server *s, const struct request *rq, struct response *out)
{
	memset(out, 0, sizeof *out);
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(out->curl_error, sizeof out->curl_error, "curl_easy_init failed");
		out->body = strdup("");
		return -1;
	}
	const char *method = rq->method ? rq->method : "GET";
	size_t ulen = strlen(s->base) + strlen(rq->path) + 1;
	char *url = malloc(ulen);
	snprintf(url, ulen, "%s%s", s->base, rq->path);

	struct curl_slist *hl = NULL;
	for (size_t i = 0; rq->headers && rq->headers[i]; i++)
		hl = curl_slist_append(hl, rq->headers[i]);
	if (!has_header(rq->headers, "Expect"))
		hl = curl_slist_append(hl, "Expect:");
	struct upload up = { rq->body, rq->body_len };
	if (rq->chunked)
		hl = curl_slist_append(hl, "Transfer-Encoding: chunked");

	struct buf body = { 0 };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, rq->timeout_ms > 0 ? rq->timeout_ms : 30000L);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, out->curl_error);
	if (rq->local_addr)
		curl_easy_setopt(c, CURLOPT_INTERFACE, rq->local_addr);

	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (rq->chunked) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &up);
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	} else if (rq->body || strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);

	double t0 = now_seconds();
	CURLcode rc = curl_easy_perform(c);
	out->seconds = now_seconds() - t0;
	out->curl_code = (int)rc;
	if (rc != CURLE_OK && !out->curl_error[0])
		snprintf(out->curl_error, sizeof out->curl_error, "%s", curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hl);
	free(url);

	out->body = body.p ? body.p : strdup("");
	out->body_len = body.len;
	if (out->body_len > 0)
		out->json = json_loadb(out->body, out->body_len, JSON_DECODE_ANY, NULL);
	/* An early answer (e.g. 413 while the body is still being sent) may end in a send error;
	 * the response still counts. */
	if (out->status > 0)
		return 0;
	return -1;
}

int http_get(const struct server *s, const char *path, const char *const *headers,
             struct response *out)
{
	struct request rq = { .method = "GET", .path = path, .headers = headers };
	return http_do(s, &rq, out);
}

int http_post(const struct server *s, const char *path, const char *const *headers,
              const char *body, struct response *out)
{
	const char *hv[32];
	size_t n = 0;
	for (size_t i = 0; headers && headers[i] && n < 30; i++)
		hv[n++] = headers[i];
	if (!has_header(headers, "Content-Type"))
		hv[n++] = "Content-Type: application/json";
	hv[n] = NULL;
	struct request rq = { .method = "POST", .path = path, .headers = hv,
	                      .body = body ? body : "", .body_len = body ? strlen(body) : 0 };
	return http_do(s, &rq, out);
}

void response_free(struct response *r)
{
	free_headers(r);
	free(r->body);
	r->body = NULL;
	if (r->json)
		json_decref(r->json);
	r->json = NULL;
}

const char *response_header_n(const struct response *r, const char *name, size_t n)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcasecmp(r->headers[i].name, name) == 0 && n-- == 0)
			return r->headers[i].value;
	return NULL;
}

const char *response_header(const struct response *r, const char *name)
{
	return response_header_n(r, name, 0);
}

const char *response_error_code(const struct response *r)
{
	json_t *e = json_object_get(r->json, "error");
	return json_string_value(json_object_get(e, "code"));
}

/* ---- raw sockets ---- */

/* Is a complete response in buf? (headers plus Content-Length bytes of body) */
static bool raw_complete(const char *buf, size_t len)
{
	const char *end = strstr(buf, "\r\n\r\n");
	if (!end)
		return false;
	size_t hlen = (size_t)(end - buf) + 4;
	for (const char *p = buf; p < end; p++) {
		if ((p == buf || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0) {
			unsigned long cl = strtoul(p + 15, NULL, 10);
			return len >= hlen + cl;
		}
	}
	return false; /* no length: read to EOF */
}

int raw_request(const struct server *s, const char *data, size_t len, long timeout_ms,
                char **text, double *seconds)
{
	if (text)
		*text = NULL;
	if (seconds)
		*seconds = -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	double t0 = now_seconds();
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	double deadline = t0 + (double)timeout_ms / 1000.0;
	size_t sent = 0;
	bool sending = len > 0, eof = false;
	struct buf in = { 0 };
	buf_add(&in, "", 0);
	while (!eof) {
		double left = deadline - now_seconds();
		if (left <= 0)
			break;
		struct pollfd p = { .fd = fd, .events = POLLIN | (sending ? POLLOUT : 0) };
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			char tmp[8192];
			ssize_t n = recv(fd, tmp, sizeof tmp, 0);
			if (n > 0) {
				buf_add(&in, tmp, (size_t)n);
				if (seconds && *seconds < 0 && strstr(in.p, "\r\n"))
					*seconds = now_seconds() - t0;
				if (raw_complete(in.p, in.len))
					break;
				/* the server answered early: stop sending */
				sending = false;
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				eof = true;
			}
			continue;
		}
		if (sending && (p.revents & POLLOUT)) {
			ssize_t n = send(fd, data + sent, len - sent, MSG_NOSIGNAL);
			if (n > 0) {
				sent += (size_t)n;
				if (sent == len)
					sending = false;
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				sending = false; /* reset or closed: read whatever came back */
			}
		}
	}
	close(fd);
	int code = -1;
	if (in.len >= 12 && strncmp(in.p, "HTTP/1.", 7) == 0)
		code = atoi(in.p + 9);
	if (text)
		*text = in.p;
	else
		free(in.p);
	return code;
}

char *staff_login(const struct server *s, const char *user, const char *pw, char **csrf)
{
	json_t *o = json_pack("{s:s, s:s}", "username", user, "password", pw);
	char *body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	struct response r;
	http_post(s, "/api/v1/staff/login", NULL, body, &r);
	free(body);
	const char *t = json_string_value(json_object_get(r.json, "token"));
	const char *c = json_string_value(json_object_get(r.json, "csrf"));
	char *tok = r.status == 200 && t && c ? strdup(t) : NULL;
	if (tok && csrf)
		*csrf = strdup(c);
	response_free(&r);
	return tok;
}

char *bearer_header(const char *token)
{
	char *h;
	return asprintf(&h, "Authorization: Bearer %s", token) < 0 ? NULL : h;
}

int http_get_as(const struct server *s, const char *token, const char *path,
                struct response *out)
{
	char *h = bearer_header(token);
	const char *hv[2] = { h, NULL };
	int rc = http_get(s, path, hv, out);
	free(h);
	return rc;
}

/* ---- suites that make their own users at the command line ---- */

int server_prepare(struct server *s)
{
	memset(s, 0, sizeof *s);
	s->out_fd = -1;
	const char *bin = server_bin();
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "harness: %s is not an executable: %s\n", bin, strerror(errno));
		return -1;
	}
	snprintf(s->root, sizeof s->root, "/tmp/peluit-api-XXXXXX");
	if (!mkdtemp(s->root)) {
		fprintf(stderr, "harness: mkdtemp: %s\n", strerror(errno));
		s->root[0] = '\0';
		return -1;
	}
	snprintf(s->data, sizeof s->data, "%s/data", s->root);
	snprintf(s->log_path, sizeof s->log_path, "%s/serve.log", s->root);
	char cli_log[128];
	snprintf(cli_log, sizeof cli_log, "%s/cli.log", s->root);
	if (mkdir(s->data, 0700) != 0) {
		fprintf(stderr, "harness: mkdir %s: %s\n", s->data, strerror(errno));
		goto fail;
	}
	if (db_attach(s) != 0)
		goto fail;
	char *init_argv[] = { (char *)bin, "init", "--data", s->data, NULL };
	int st = run_cmd(init_argv, cli_log);
	if (st != 0) {
		fprintf(stderr, "harness: `%s init --data %s` exited with %d\n", bin, s->data, st);
		dump_file("init output", cli_log);
		goto fail;
	}
	return 0;
fail:
	server_remove(s);
	return -1;
}

int server_serve(struct server *s)
{
	if (!s->root[0] || s->pid > 0)
		return -1;
	return spawn_serve(s);
}

int server_start_second(struct server *second, const struct server *first)
{
	static int n;
	memset(second, 0, sizeof *second);
	second->out_fd = -1;
	snprintf(second->data, sizeof second->data, "%s", first->data);
	snprintf(second->log_path, sizeof second->log_path, "%s/serve-%d.log", first->root, ++n);
	/* root stays empty: server_stop ends the process and leaves the directory to `first` */
	if (spawn_serve(second) != 0)
		return -1;
	return 0;
}

int peluit_run(const struct server *s, char **out, char **err, ...)
{
	static int n;
	const char *bin = server_bin();
	const char *argv[64];
	size_t argc = 0;
	argv[argc++] = bin;
	va_list ap;
	va_start(ap, err);
	for (const char *a = va_arg(ap, const char *); a && argc < 60; a = va_arg(ap, const char *))
		argv[argc++] = a;
	va_end(ap);
	argv[argc++] = "--data";
	argv[argc++] = s->data;
	argv[argc] = NULL;

	char out_path[128], err_path[128];
	n++;
	snprintf(out_path, sizeof out_path, "%s/run-%d.out", s->root, n);
	snprintf(err_path, sizeof err_path, "%s/run-%d.err", s->root, n);
	if (out)
		*out = NULL;
	if (err)
		*err = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int in = open("/dev/null", O_RDONLY);
		if (fo < 0 || fe < 0 || in < 0)
			_exit(126);
		dup2(in, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	int st = wait_child(pid, CMD_TIMEOUT_S);
	if (st == -2) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		st = -1;
	}
	char *o = read_file_from(out_path, 0), *e = read_file_from(err_path, 0);
	unlink(out_path);
	unlink(err_path);
	if (getenv("PELUIT_TEST_VERBOSE")) {
		fprintf(stderr, "harness: peluit");
		for (size_t i = 1; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, " -> %d\n%s%s", st, o ? o : "", e ? e : "");
	}
	if (out)
		*out = o;
	else
		free(o);
	if (err)
		*err = e;
	else
		free(e);
	return st;
}

int server_write_file(const struct server *s, const char *name, const char *content, char *path,
                      size_t len)
{
	snprintf(path, len, "%s/%s", s->root, name);
	unlink(path);
	return write_secret_file(path, content);
}

/* ---- TOTP (RFC 6238 over RFC 2104 HMAC-SHA-1, FIPS 180-4 SHA-1), for tests only ---- */

struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char block[64];
	size_t used;
};

static uint32_t rol32(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(struct sha1 *c, const unsigned char *p)
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & cc) | (~b & d);
			k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ cc ^ d;
			k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & cc) | (b & d) | (cc & d);
			k = 0x8F1BBCDC;
		} else {
			f = b ^ cc ^ d;
			k = 0xCA62C1D6;
		}
		uint32_t t = rol32(a, 5) + f + e + k + w[i];
		e = d;
		d = cc;
		cc = rol32(b, 30);
		b = a;
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
	c->h[4] += e;
}

static void sha1_init(struct sha1 *c)
{
	static const uint32_t iv[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
	memcpy(c->h, iv, sizeof iv);
	c->len = 0;
	c->used = 0;
}

static void sha1_update(struct sha1 *c, const unsigned char *p, size_t n)
{
	c->len += n;
	while (n > 0) {
		size_t take = 64 - c->used < n ? 64 - c->used : n;
		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		n -= take;
		if (c->used == 64) {
			sha1_block(c, c->block);
			c->used = 0;
		}
	}
}

static void sha1_final(struct sha1 *c, unsigned char out[20])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, zero = 0, lenb[8];
	sha1_update(c, &pad, 1);
	while (c->used != 56)
		sha1_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(c, lenb, 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void hmac_sha1(const unsigned char *key, size_t key_len, const unsigned char *msg, size_t msg_len,
               unsigned char out[20])
{
	unsigned char k[64] = { 0 }, ipad[64], opad[64], inner[20];
	struct sha1 c;
	if (key_len > 64) {
		sha1_init(&c);
		sha1_update(&c, key, key_len);
		sha1_final(&c, k);
	} else {
		memcpy(k, key, key_len);
	}
	for (int i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	sha1_init(&c);
	sha1_update(&c, ipad, 64);
	sha1_update(&c, msg, msg_len);
	sha1_final(&c, inner);
	sha1_init(&c);
	sha1_update(&c, opad, 64);
	sha1_update(&c, inner, 20);
	sha1_final(&c, out);
}

int base32_decode(const char *in, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		int v;
		char ch = *p;
		if (ch == '=' || ch == ' ' || ch == '-')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch >= 'A' && ch <= 'Z')
			v = ch - 'A';
		else if (ch >= '2' && ch <= '7')
			v = ch - '2' + 26;
		else
			return -1;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return (int)n;
}

int totp_code(const char *base32_secret, long long t, char code[7])
{
	unsigned char key[128], mac[20], msg[8];
	int klen = base32_decode(base32_secret, key, sizeof key);
	if (klen <= 0)
		return -1;
	uint64_t step = (uint64_t)(t / 30);
	for (int i = 0; i < 8; i++)
		msg[i] = (unsigned char)(step >> (56 - 8 * i));
	hmac_sha1(key, (size_t)klen, msg, sizeof msg, mac);
	int off = mac[19] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	               ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	snprintf(code, 7, "%06u", (unsigned)(bin % 1000000));
	return 0;
}

/* ---- citizen reports (test_reports.c) ---- */

int server_serve_rate_limited(struct server *s)
{
	if (!s->root[0] || s->pid > 0)
		return -1;
	return spawn_serve_env(s, true);
}

int server_halt(struct server *s)
{
	int st = -1;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		st = wait_child(s->pid, STOP_TIMEOUT_S);
		if (st == -2) {
			fprintf(stderr, "harness: serve did not exit within %.0f s of SIGTERM\n",
			        STOP_TIMEOUT_S);
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
			st = -1;
		}
		s->pid = 0;
	}
	if (st != 0 || getenv("PELUIT_TEST_VERBOSE")) {
		fprintf(stderr, "harness: serve exit status %d\n", st);
		dump_file("serve log", s->log_path);
	}
	return st;
}

void server_cleanup(struct server *s)
{
	if (s->out_fd >= 0) {
		close(s->out_fd);
		s->out_fd = -1;
	}
	if (s->root[0])
		server_remove(s);
}

char *multipart_body(const struct mpart *parts, size_t n, size_t *len)
{
	struct buf b = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct mpart *p = &parts[i];
		size_t dlen = p->len == MPART_STRLEN ? strlen(p->data) : p->len;
		char head[1024];
		int hn;
		if (p->filename)
			hn = snprintf(head, sizeof head,
			              "--" MPART_BOUNDARY "\r\n"
			              "Content-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
			              "Content-Type: %s\r\n\r\n",
			              p->name, p->filename, p->type ? p->type : "application/octet-stream");
		else if (p->type)
			hn = snprintf(head, sizeof head,
			              "--" MPART_BOUNDARY "\r\n"
			              "Content-Disposition: form-data; name=\"%s\"\r\n"
			              "Content-Type: %s\r\n\r\n", p->name, p->type);
		else
			hn = snprintf(head, sizeof head,
			              "--" MPART_BOUNDARY "\r\n"
			              "Content-Disposition: form-data; name=\"%s\"\r\n\r\n", p->name);
		if (hn < 0 || (size_t)hn >= sizeof head || buf_add(&b, head, (size_t)hn) != 0 ||
		    buf_add(&b, dlen ? p->data : "", dlen) != 0 || buf_add(&b, "\r\n", 2) != 0) {
			free(b.p);
			return NULL;
		}
	}
	if (buf_add(&b, "--" MPART_BOUNDARY "--\r\n", strlen("--" MPART_BOUNDARY "--\r\n")) != 0) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

int http_post_multipart(const struct server *s, const char *path, const char *const *headers,
                        const struct mpart *parts, size_t n, long timeout_ms, struct response *out)
{
	size_t len = 0;
	char *body = multipart_body(parts, n, &len);
	if (!body) {
		memset(out, 0, sizeof *out);
		out->body = strdup("");
		snprintf(out->curl_error, sizeof out->curl_error, "multipart_body failed");
		return -1;
	}
	const char *hv[32];
	size_t k = 0;
	for (size_t i = 0; headers && headers[i] && k < 30; i++)
		hv[k++] = headers[i];
	hv[k++] = MPART_CONTENT_TYPE;
	hv[k] = NULL;
	struct request rq = { .method = "POST", .path = path, .headers = hv, .body = body,
	                      .body_len = len, .timeout_ms = timeout_ms };
	int rc = http_do(s, &rq, out);
	free(body);
	return rc;
}

int raw_send_close(const struct server *s, const void *data, size_t len, long linger_ms)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	const char *p = data;
	size_t sent = 0;
	while (sent < len) {
		ssize_t k = send(fd, p + sent, len - sent, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			close(fd);
			return -1;
		}
		sent += (size_t)k;
	}
	struct buf in = { 0 };
	buf_add(&in, "", 0);
	double deadline = now_seconds() + (double)linger_ms / 1000.0;
	for (;;) {
		double left = deadline - now_seconds();
		if (left <= 0)
			break;
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int r = poll(&pf, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		char tmp[4096];
		ssize_t k = recv(fd, tmp, sizeof tmp, 0);
		if (k > 0)
			buf_add(&in, tmp, (size_t)k);
		else if (k == 0 || (errno != EAGAIN && errno != EINTR))
			break;
	}
	close(fd);
	int code = 0;
	if (in.len >= 12 && strncmp(in.p, "HTTP/1.", 7) == 0)
		code = atoi(in.p + 9);
	free(in.p);
	return code;
}

int buf_search(const char *where, const void *buf, size_t len, const struct byte_needle *needles,
               size_t n)
{
	int hits = 0;
	for (size_t i = 0; i < n; i++) {
		if (needles[i].len > 0 && memmem(buf, len, needles[i].p, needles[i].len)) {
			fprintf(stderr, "%s holds %s\n", where, needles[i].what);
			hits++;
		}
	}
	return hits;
}

static const struct byte_needle *search_needles;
static size_t search_n;
static int search_hits;

static int search_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0; /* gone since the walk listed it (a journal) */
	struct buf b = { 0 };
	if (fd < 0 || buf_add(&b, "", 0) != 0) {
		fprintf(stderr, "harness: cannot read %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		search_hits++;
		return 0;
	}
	for (;;) {
		char tmp[65536];
		ssize_t k = read(fd, tmp, sizeof tmp);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || buf_add(&b, tmp, (size_t)k) != 0)
			break;
	}
	close(fd);
	char *text = b.p;
	size_t len = b.len;
	search_hits += buf_search(path, text, len, search_needles, search_n);
	free(text);
	return 0;
}

int tree_search(const char *dir, const struct byte_needle *needles, size_t n)
{
	search_needles = needles;
	search_n = n;
	search_hits = 0;
	if (nftw(dir, search_entry, 16, FTW_PHYS) != 0)
		return -1;
	return search_hits;
}

void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) != 0) {
	}
}

char *J(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_error_t e;
	json_t *o = json_vpack_ex(&e, 0, fmt, ap);
	va_end(ap);
	if (!o)
		fail_msg("json_pack(%s): %s", fmt, e.text);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}
