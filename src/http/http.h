/* http.h: the request, the route table's shape, replies and declared JSON input.
 *
 * Lifecycle (libmicrohttpd's three phases): the first call matches a route and decides early
 * failures (404, 405, 413, 415) on the I/O thread; body chunks are collected (or drained after
 * a failure); at the end the handler runs, on the I/O thread for ROUTE_INLINE routes (pure,
 * non-blocking work) and otherwise on the worker pool with the connection suspended, so
 * database, Argon2id and other blocking work never stall other connections. The reply is
 * queued once; the request's memory (secrets included) is freed in the completion callback. */
#ifndef PELUIT_HTTP_H
#define PELUIT_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/config.h"
#include "core/errors.h"
#include "store/store.h"

struct MHD_Connection;
struct http_server;
struct request;
struct tmpl_set;

enum method {
	M_GET = 1 << 0,
	M_HEAD = 1 << 1,
	M_POST = 1 << 2,
	M_PUT = 1 << 3,
	M_PATCH = 1 << 4,
	M_DELETE = 1 << 5,
};

/* Who may call a route; a caller outside the set gets 401 (no session) or 403 (wrong role). */
enum who {
	WHO_PUBLIC = 1 << 0,
	WHO_ADMIN = 1 << 1,
	WHO_INVESTIGATOR = 1 << 2,
	WHO_SUPERVISOR = 1 << 3,
	WHO_LEADER = 1 << 4,
	WHO_REPORTER = 1 << 5,
	WHO_STAFF = WHO_ADMIN | WHO_INVESTIGATOR | WHO_SUPERVISOR | WHO_LEADER,
	WHO_READERS = WHO_INVESTIGATOR | WHO_SUPERVISOR | WHO_LEADER, /* may read reports */
	WHO_HANDLERS = WHO_INVESTIGATOR | WHO_SUPERVISOR,             /* may work on them */
};

/* BODY_FORM: application/x-www-form-urlencoded (HTML forms), parsed into a JSON object of
 * strings (a repeated name becomes an array) so declared fields work the same way.
 * BODY_UPLOAD: multipart/form-data streamed through the route's upload_ops (its non-file
 * fields collected into r->json like a form's), or application/json. */
enum body_kind { BODY_NONE, BODY_JSON, BODY_FORM, BODY_UPLOAD };

/* How a BODY_UPLOAD route consumes a streamed body. All run on worker threads, in order, with
 * the connection suspended; memory stays bounded by one batch (about 2 × UPLOAD_BATCH). Each
 * returns 0, or -1 after replying: the rest of the body is then drained unread. */
#define UPLOAD_BATCH 65536
struct upload_ops {
	/* Once, when the non-file fields are all in r->json (before the first file, or at the
	 * end when there is none). */
	int (*begin)(struct request *r);
	int (*file_begin)(struct request *r, const char *field, const char *filename);
	int (*file_data)(struct request *r, const unsigned char *p, size_t n);
	int (*file_end)(struct request *r);
};
struct upload;

enum route_flags {
	ROUTE_INLINE = 1 << 0, /* no blocking work: runs on the I/O thread */
	ROUTE_PAGE = 1 << 1,   /* an HTML page: errors are pages too */
	ROUTE_SETUP = 1 << 2,  /* allowed while a required second factor is not set up yet */
	ROUTE_LIMITED = 1 << 3, /* counts against the abuse limits (submissions, receipt logins) */
	ROUTE_GEO = 1 << 4,    /* the report form: the page may ask for the device's location */
	ROUTE_MULTIPART = 1 << 5, /* a BODY_UPLOAD that takes multipart only: it adds files, which
	                           * a JSON body cannot carry */
};

/* A declared JSON input field. Strings are trimmed (unless raw) and counted in code points. */
enum jtype { J_STRING, J_BOOL, J_INT };

struct jfield {
	const char *name;
	enum jtype type;
	bool required;
	long long min, max; /* J_STRING: length in code points; J_INT: value */
	bool raw;           /* J_STRING kept exactly as sent (passwords): never trimmed */
};

union jval {
	const char *s; /* owned by the request */
	long long i;
	bool b;
};

#define JFIELDS_MAX 24

struct route {
	unsigned methods;
	const char *pattern; /* "/api/v1/staff/reports/{id}": {x} matches one path segment */
	void (*handler)(struct request *r);
	unsigned who;
	enum body_kind body;
	const struct jfield *fields; /* NULL-name terminated; BODY_JSON or BODY_FORM */
	unsigned flags;
	const struct upload_ops *upload; /* BODY_UPLOAD; omitted (NULL) elsewhere */
};

#define PARAMS_MAX 4
#define EXTRA_HEADERS_MAX 8

/* What a server shares with every request: read-only after start. */
struct server_ctx {
	const struct config *cfg;
	struct store *store;
	const struct tmpl_set *templates;
	const struct instance_keys *keys;
	const struct trust *trust;
};

struct request {
	struct MHD_Connection *conn;
	const struct server_ctx *ctx;
	const struct route *route;
	const char *pattern; /* for the log: the route's, or the path's on a 405 */
	enum method method;
	const char *method_name;
	enum lang lang;
	bool reporter; /* a reporter's request: counted, never logged */
	struct timespec start;

	char *params[PARAMS_MAX]; /* path parameters, in pattern order */
	int nparams;

	/* body */
	bool expects_body; /* Content-Length > 0 or chunked */
	char *body;
	size_t body_len, body_cap, body_max, body_seen;
	struct upload *up;        /* BODY_UPLOAD with multipart: the streaming state */
	void *upload_state;       /* the route's own state for its upload_ops (it frees it) */
	void (*upload_state_free)(void *state);
	json_t *json;
	union jval in[JFIELDS_MAX];  /* declared fields, in spec order */
	bool present[JFIELDS_MAX];
	char *owned[JFIELDS_MAX];

	/* caller */
	bool authorized; /* authorize() passed (it may run mid-body, for uploads) */
	bool authed;
	bool via_cookie;
	struct store_user user;
	unsigned char *sk; /* the caller's secret keys (guarded memory), for this request only */
	bool totp_setup_required;
	char csrf[TOKEN_CHARS + 1]; /* the session's CSRF value, for forms on pages */
	unsigned char session_lookup[SESSION_LOOKUP_BYTES];
	char report_id[ID_CHARS + 1]; /* a reporter session's report */

	/* reply */
	unsigned status;
	char *reply;
	size_t reply_len;
	bool reply_static; /* reply points at memory the request does not own */
	const char *content_type;
	const char *cache; /* Cache-Control; NULL = no-store */
	struct {
		const char *name;
		char *value;
	} headers[EXTRA_HEADERS_MAX];
	int nheaders;
	bool replied;
	bool html_errors; /* errors as pages: a page route, or an unknown non-API path */
	/* a streamed reply (reply_stream): pieces made on the worker pool */
	const struct reply_stream_ops *stream;
	void *stream_state;
	uint64_t stream_size;
	unsigned char *piece;
	size_t piece_len, piece_off;
	int stream_end; /* 1: ended, -1: failed */
	struct http_server *server;

	/* lifecycle (http/server.c) */
	int state;
};

/* ---- replies (http/reply.c); each sets the one reply of the request ---- */

/* JSON body; takes the reference to `body`. */
void reply_json(struct request *r, unsigned status, json_t *body);
/* The error object of API.md; `field` may be NULL. Pages get the error page instead. */
void reply_error(struct request *r, enum err e, const char *field);
/* The error of a failed outcome (its own message when it has one). */
void reply_outcome(struct request *r, const struct outcome *o);
/* 415 with the accepted types. */
void reply_unsupported(struct request *r, const char *const *accepted);
/* A body owned by the caller's static storage (assets). */
void reply_static(struct request *r, unsigned status, const char *content_type,
                  const void *data, size_t len, const char *cache);
/* A malloc'd body, which the request takes over. */
void reply_take(struct request *r, unsigned status, const char *content_type, char *data,
                size_t len);
void reply_empty(struct request *r, unsigned status);
/* 303 See Other to a local path (after a form was handled). */
void reply_redirect(struct request *r, const char *location);
/* A body made piece by piece on the worker pool (downloads), in bounded memory: the
 * connection is suspended while a piece is made, so slow storage stalls no one else. */
#define STREAM_PIECE 65536
struct reply_stream_ops {
	/* Writes the next piece (at most cap bytes) into buf: its length, 0 at the end, -1 on an
	 * error (the connection is then closed, never a clean end of a broken body). */
	long (*next)(void *state, unsigned char *buf, size_t cap);
	void (*free)(void *state);
};
/* Replies with `size` bytes from ops (which takes over `state`, freed with the request). */
void reply_stream(struct request *r, unsigned status, const char *content_type, uint64_t size,
                  const struct reply_stream_ops *ops, void *state);
/* Adds a response header; the value is copied. */
void reply_header(struct request *r, const char *name, const char *value);

/* ---- pages (pages/pages.c) ---- */

/* Renders template `name` (without .html) as an HTML page with the common page context
 * plus `ctx` (taken over). 500 on a render failure. */
void reply_page(struct request *r, unsigned status, const char *name, json_t *ctx);

/* ---- request helpers (http/request.c) ---- */

/* A query argument, or NULL. Never log it. */
const char *req_query(struct request *r, const char *name);
/* A request header, or NULL. Never log it. */
const char *req_header(struct request *r, const char *name);
/* A cookie, or NULL. */
const char *req_cookie(struct request *r, const char *name);

/* ?page=1&per_page=50 (per_page at most 200). Returns 0, or -1 after replying 400. */
int req_pagination(struct request *r, int64_t *page, int64_t *per_page);

/* Parses an application/x-www-form-urlencoded body into a JSON object of strings.
 * Returns NULL when it is malformed or not UTF-8. */
json_t *form_parse(const char *body, size_t len);

/* Validates r->json against the route's declared fields into r->in / r->present.
 * Returns 0, or -1 after replying 400 naming the field. */
int req_parse_fields(struct request *r);

/* The language of a request: ?lang=id|en, else Accept-Language, else Indonesian. */
enum lang http_pick_lang(const char *query_lang, const char *accept_language);

/* ---- routing (http/router.c) ---- */

struct route_match {
	const struct route *route;  /* NULL: no route for this path and method */
	unsigned allowed;           /* methods the path accepts (for 405 and Allow) */
	const char *pattern;        /* the first pattern the path matched, whatever the method */
	int nparams;
	struct {
		const char *start;
		size_t len;
	} params[PARAMS_MAX];
};

/* Matches `path` and `method` against a route table (terminated by a NULL pattern). */
void router_match(const struct route *table, const char *path, enum method method,
                  struct route_match *m);
/* "GET, HEAD, POST" for a method mask. */
void router_allow(unsigned methods, char *buf, size_t len);
enum method router_method(const char *name);
/* "GET" …, or "OTHER" for a method we do not serve. */
const char *router_method_name(enum method m);

/* The route table (http/routes.c). */
extern const struct route routes[];

/* Whether a path belongs to a reporter (never logged; SECURITY.md threat 7). */
bool http_is_reporter_path(const char *path);

#endif
