/* API test harness: runs a real `peluit serve` in a temp data dir and talks HTTP to it. */
#ifndef PELUIT_TEST_HARNESS_H
#define PELUIT_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

/* A staff account made with `peluit user add` before the server starts. */
struct user_spec {
	const char *username;
	const char *role;
	const char *name;
	const char *password;
};

struct server {
	pid_t pid;          /* the `serve` process; 0 when not running */
	int out_fd;         /* read end of its stdout pipe, -1 when closed */
	int port;
	char root[64];      /* the mkdtemp directory: holds data/, serve.log, password files */
	char data[96];      /* root/data, given to every command as --data */
	char log_path[96];  /* root/serve.log: the server's stderr */
	char base[64];      /* "http://127.0.0.1:PORT", no trailing slash */
	char db[64];        /* its own PostgreSQL database when $PELUIT_TEST_PG is set, else "" */
};

/* Path of the binary under test: $PELUIT_BIN or "build/test/peluit". */
const char *server_bin(void);

/* Makes the temp dir, runs `init`, adds the users, spawns `serve` and waits (20 s at most) for its
 * "Peluit serving on" line. Returns 0 on success; on failure prints why on stderr, cleans up
 * everything it made and returns -1. */
int server_start(struct server *s, const struct user_spec *users, size_t n_users);

/* SIGTERM, then waits 15 s at most (SIGKILL after that). Returns the exit status (128 + signal
 * when killed by a signal, -1 on timeout or error) and removes the temp dir. The server's log is
 * copied to stderr when the status is not 0 or $PELUIT_TEST_VERBOSE is set. */
int server_stop(struct server *s);

/* The server's stderr so far, NUL-terminated, malloc'd (caller frees); "" if none, NULL on error. */
char *server_log(const struct server *s);

/* Size of the log so far, for reading only what a later request added (server_log_since). */
size_t server_log_size(const struct server *s);
char *server_log_since(const struct server *s, size_t offset);

struct header {
	char *name;
	char *value;
};

struct response {
	long status;            /* 0 when the transfer failed */
	int curl_code;          /* CURLcode of the transfer */
	char curl_error[256];
	struct header *headers; /* of the final response (after any 100 Continue) */
	size_t n_headers;
	char *body;             /* always NUL-terminated (may hold NULs for binary bodies) */
	size_t body_len;
	json_t *json;           /* parsed body, NULL when it is not JSON */
	double seconds;         /* wall time of the transfer */
};

struct request {
	const char *method;             /* "GET" when NULL */
	const char *path;               /* appended to the base URL, e.g. "/api/v1/meta?lang=en" */
	const char *const *headers;     /* NULL-terminated "Name: value" list, or NULL */
	const char *body;               /* NULL: no body */
	size_t body_len;
	bool chunked;                   /* send the body with Transfer-Encoding: chunked */
	long timeout_ms;                /* 0: 30 s */
	const char *local_addr;         /* NULL: any; else the source address, e.g. "127.0.0.2" */
};

/* Makes one request on a fresh connection. Returns 0 when an HTTP response arrived, -1 otherwise
 * (out->curl_error says why). Always call response_free(out) afterwards. Thread-safe once
 * http_global_init() has run. */
int http_do(const struct server *s, const struct request *rq, struct response *out);
int http_get(const struct server *s, const char *path, const char *const *headers,
             struct response *out);
/* POST with the given body; adds "Content-Type: application/json" unless headers set one. */
int http_post(const struct server *s, const char *path, const char *const *headers,
              const char *body, struct response *out);
void response_free(struct response *r);

/* Signs in as a staff user. Returns the token (malloc'd) and, when csrf is not NULL, the CSRF
 * value (malloc'd); NULL when the login did not answer 200. */
char *staff_login(const struct server *s, const char *user, const char *pw, char **csrf);
/* "Authorization: Bearer TOKEN", malloc'd. */
char *bearer_header(const char *token);
/* GET with a bearer token. */
int http_get_as(const struct server *s, const char *token, const char *path,
                struct response *out);

/* The value of the n-th (0-based) header of that name, case-insensitive; NULL if absent. */
const char *response_header_n(const struct response *r, const char *name, size_t n);
const char *response_header(const struct response *r, const char *name);

/* error.code of a JSON error body, or NULL. */
const char *response_error_code(const struct response *r);

void http_global_init(void);
void http_global_cleanup(void);

/* Sends `len` raw bytes on a new TCP connection (no body is sent unless it is in `data`), then
 * reads until a complete response (headers + Content-Length bytes), EOF or timeout_ms. Returns the
 * status line's code, -1 if none arrived. *text (optional) gets everything read, malloc'd;
 * *seconds (optional) the time from connecting to the status code. */
int raw_request(const struct server *s, const char *data, size_t len, long timeout_ms,
                char **text, double *seconds);

/* Monotonic clock in seconds. */
double now_seconds(void);

/* ---- suites that make their users at the command line (test_staff.c) ---- */

/* Makes the temp dir and runs `init` in it; no users, no `serve` yet. Returns 0, or -1 with
 * everything it made removed. Stop with server_stop as usual. */
int server_prepare(struct server *s);
/* Spawns `serve` on the prepared data directory of s (server_prepare) and waits for it, like
 * server_start. Returns 0 or -1. */
int server_serve(struct server *s);
/* A second `serve` on the data directory of `first` (the same database and secrets), with its
 * own port and its log in first->root. server_stop(second) ends the process and leaves the
 * directory alone; stop it before `first`. Returns 0 or -1. */
int server_start_second(struct server *second, const struct server *first);
/* Runs `peluit ARG... --data s->data` (the ARGs: const char *, NULL-terminated). *out and *err
 * (each optional) get its stdout and stderr, malloc'd. Returns the exit status, -1 on error. */
int peluit_run(const struct server *s, char **out, char **err, ...);
/* Writes content and a newline to s->root/name (0600, replacing it); the path goes to path.
 * Returns 0 or -1. */
int server_write_file(const struct server *s, const char *name, const char *content, char *path,
                      size_t len);

/* RFC 4648 base32 (case, padding, spaces and dashes ignored) into out; bytes written or -1. */
int base32_decode(const char *in, unsigned char *out, size_t cap);
/* RFC 2104 HMAC-SHA-1. */
void hmac_sha1(const unsigned char *key, size_t key_len, const unsigned char *msg, size_t msg_len,
               unsigned char out[20]);
/* RFC 6238 TOTP: SHA-1, 6 digits, 30 s steps, of a base32 secret at unix time t. 0 or -1. */
int totp_code(const char *base32_secret, long long t, char code[7]);

/* ---- citizen reports (test_reports.c) ---- */

/* Like server_serve, but `serve` runs with the abuse limits on (PELUIT_RATE_LIMITS is removed
 * from its environment instead of being set to "off"). Returns 0 or -1. */
int server_serve_rate_limited(struct server *s);
/* Ends the `serve` process like server_stop (SIGTERM, then SIGKILL after 15 s) but keeps the temp
 * dir, so the data a clean shutdown left can be inspected, and out_fd, so what it printed can still
 * be read. Returns the exit status as server_stop does. Remove both afterwards with
 * server_cleanup. */
int server_halt(struct server *s);
/* Closes what is left of s and removes its temp dir; no process is signalled (see server_halt). */
void server_cleanup(struct server *s);

/* One part of a multipart/form-data body. */
struct mpart {
	const char *name;     /* the form field name */
	const char *filename; /* NULL: a plain field; else a file part with this filename */
	const char *type;     /* the part's Content-Type; NULL: none for fields,
	                       * application/octet-stream for files */
	const void *data;
	size_t len;           /* MPART_STRLEN: strlen(data) */
};
#define MPART_STRLEN ((size_t)-1)
#define MPART_BOUNDARY "peluit-test-7d41c09b2e5fa836"
/* "Content-Type: multipart/form-data; boundary=MPART_BOUNDARY" */
#define MPART_CONTENT_TYPE "Content-Type: multipart/form-data; boundary=" MPART_BOUNDARY

/* The body of the parts in order, closed by the final boundary, malloc'd; its length in *len. */
char *multipart_body(const struct mpart *parts, size_t n, size_t *len);
/* POSTs the parts as multipart/form-data (with MPART_CONTENT_TYPE and the extra headers, which
 * must not set Content-Type); timeout_ms 0: 30 s. Returns as http_do. */
int http_post_multipart(const struct server *s, const char *path, const char *const *headers,
                        const struct mpart *parts, size_t n, long timeout_ms, struct response *out);

/* Connects, sends all `len` bytes, then waits linger_ms (reading whatever the server sends) and
 * closes: with fewer body bytes than the declared Content-Length, an upload that stops mid-body.
 * Returns the status code of a response that arrived meanwhile, 0 when none did, -1 when the
 * connection or the sending failed. */
int raw_send_close(const struct server *s, const void *data, size_t len, long linger_ms);

/* A byte string to look for, and what it is (for the message). */
struct byte_needle {
	const void *p;
	size_t len;
	const char *what;
};
/* Searches every regular file under dir (recursively, symlinks not followed) for every needle;
 * prints "FILE holds WHAT" on stderr for each hit. Returns the number of hits, -1 if the walk
 * failed. Not thread-safe. */
int tree_search(const char *dir, const struct byte_needle *needles, size_t n);
/* The same for one buffer, named `where` in the messages. Returns the number of hits. */
int buf_search(const char *where, const void *buf, size_t len, const struct byte_needle *needles,
               size_t n);

/* ---- the database beside the running server ---- */

/* With $PELUIT_TEST_PG (a base URL, "postgresql://USER@HOST:PORT"), every server made by
 * server_start or server_prepare gets a fresh database of its own (named in DATA/peluit.conf,
 * dropped with the server); without it, SQLite in DATA/peluit.db. These helpers reach either,
 * so the same SQL (portable to both) runs in both passes of the suite. */
/* The first column of the first row of a query, as a number; fails the test on error. */
long long db_value(const struct server *s, const char *sql);
/* Runs one statement; returns the rows it changed; fails the test on error. */
long long db_run(const struct server *s, const char *sql);
/* Calls cb with the first two columns (as text) of each row of a query with one text
 * parameter ($1). Fails the test on error. */
void db_rows(const struct server *s, const char *sql, const char *param,
             void (*cb)(void *arg, const char *a, const char *b), void *arg);
/* The general form: sql with text parameters (`?` in order, `?N` or `$N`: made `$N` on
 * PostgreSQL), after an optional blob (then the first parameter); cb (optional) gets the first
 * two columns (as text) of each row, *first (optional) the first column of the first row as a
 * number. Returns the rows changed (statements) or returned (queries); fails the test on
 * error. */
long long db_query(const struct server *s, const char *sql, const char *const *params,
                   int nparams, const void *blob, int blob_len,
                   void (*cb)(void *arg, const char *a, const char *b), void *arg,
                   long long *first);
/* Where the database's files are: the data directory, or with PostgreSQL the whole test
 * cluster's directory ($PELUIT_TEST_PG_DIR: data files, WAL and the server's log). */
const char *db_dir(const struct server *s);
/* The base URL from $PELUIT_TEST_PG, or NULL when the suite runs on SQLite. */
const char *db_pg_base(void);
/* Creates (true) or drops (false) a database on the $PELUIT_TEST_PG cluster. 0 or -1. */
int db_pg_admin(const char *name, bool create);

/* Sleeps s seconds (fractions allowed), resuming after signals. */
void sleep_s(double s);
/* A JSON body from a jansson pack format, malloc'd; fails the current test when the format
 * does not fit the arguments. */
char *J(const char *fmt, ...);

#endif
