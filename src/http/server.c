/* server.c: the request lifecycle on libmicrohttpd (epoll I/O threads) with a worker pool
 * for blocking work, the limits of the configuration, and the headers every response gets. */
#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "accounts/settings.h"
#include "core/log.h"
#include "http/pool.h"
#include "http/ratelimit.h"
#include "http/server.h"
#include "http/session.h"
#include "http/upload.h"

enum { ST_NEW, ST_RUNNING, ST_DONE };

/* Bytes we keep reading (and dropping) after refusing a body, so the client can read our
 * answer; past that the connection is closed. */
#define DRAIN_MAX (1024 * 1024)
/* The most bytes one character of a message can take in a JSON body: a 4-byte character
 * written as two \u escapes. (A multipart field holds raw UTF-8: 4.) */
#define JSON_BYTES_PER_CHAR 12

struct http_server {
	struct MHD_Daemon *d;
	const struct server_ctx *ctx;
	struct pool *pool;
	atomic_uint active;
	atomic_ulong reporter_requests;
};

static const char CSP[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                          "base-uri 'none'; frame-ancestors 'none'";

static void add_security_headers(struct MHD_Response *resp, const struct request *r)
{
	/* A download brings its own, stricter policy (a sandbox). */
	if (!r->stream)
		MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	/* Geolocation only on the report form, where the reporter may choose to share it. */
	MHD_add_response_header(resp, "Permissions-Policy",
	                        r->route && (r->route->flags & ROUTE_GEO)
	                        ? "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"
	                        : "geolocation=(), camera=(), microphone=(), payment=(), usb=()");
	MHD_add_response_header(resp, "Cache-Control", r->cache ? r->cache : "no-store");
	if (r->ctx->cfg->https)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		                        "max-age=31536000; includeSubDomains");
}

/* A streamed reply: libmicrohttpd asks for bytes when the socket has room; when the piece
 * in hand is used up, the connection is suspended while a worker makes the next one. */
static void stream_fill(void *arg)
{
	struct request *r = arg;
	long n = r->stream->next(r->stream_state, r->piece, STREAM_PIECE);
	r->piece_off = 0;
	r->piece_len = n > 0 ? (size_t)n : 0;
	if (n <= 0)
		r->stream_end = n < 0 ? -1 : 1;
	MHD_resume_connection(r->conn);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct request *r = cls;
	(void)pos;
	if (r->piece_off < r->piece_len) {
		size_t n = r->piece_len - r->piece_off < max ? r->piece_len - r->piece_off : max;
		memcpy(buf, r->piece + r->piece_off, n);
		r->piece_off += n;
		return (ssize_t)n;
	}
	if (r->stream_end)
		return r->stream_end > 0 ? MHD_CONTENT_READER_END_OF_STREAM
		                         : MHD_CONTENT_READER_END_WITH_ERROR;
	if (!r->piece && !(r->piece = malloc(STREAM_PIECE)))
		return MHD_CONTENT_READER_END_WITH_ERROR;
	MHD_suspend_connection(r->conn);
	if (pool_submit(r->server->pool, stream_fill, r) != 0) {
		MHD_resume_connection(r->conn);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	return 0;
}

/* Sends the request's reply. */
static enum MHD_Result queue(struct request *r)
{
	struct MHD_Response *resp;
	if (r->stream) {
		resp = MHD_create_response_from_callback(r->stream_size, 32 * 1024, stream_read, r,
		                                         NULL);
	} else if (r->reply_static || !r->reply) {
		resp = MHD_create_response_from_buffer(r->reply_len, r->reply, MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_buffer(r->reply_len, r->reply, MHD_RESPMEM_MUST_FREE);
		if (resp)
			r->reply = NULL; /* libmicrohttpd frees it now */
	}
	if (!resp)
		return MHD_NO;
	if (r->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	add_security_headers(resp, r);
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	r->state = ST_DONE;
	enum MHD_Result ok = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* Whether a Content-Type header names `type` (parameters such as charset allowed). */
static bool is_type(const char *ct, const char *type)
{
	if (!ct)
		return false;
	size_t n = strlen(type);
	return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The first call: route, method, declared body. Early failures are replied here. */
static void setup(struct http_server *s, struct request *r, const char *url, const char *method)
{
	const struct config *cfg = s->ctx->cfg;
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->ctx = s->ctx;
	r->server = s;
	r->method = router_method(method);
	r->method_name = router_method_name(r->method);
	r->lang = http_pick_lang(req_query(r, "lang"), req_header(r, "Accept-Language"));
	r->reporter = http_is_reporter_path(url);
	r->body_max = cfg->json_max_body;

	const char *cl = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = req_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	r->expects_body = (cl && strtoull(cl, NULL, 10) > 0) || te;

	struct route_match m;
	router_match(routes, url, r->method, &m);
	r->route = m.route;
	r->pattern = m.route ? m.route->pattern : m.pattern;
	r->html_errors = m.route ? (m.route->flags & ROUTE_PAGE) != 0
	                         : strncmp(url, "/api/", 5) != 0 && strcmp(url, "/healthz") != 0;
	if (!m.route) {
		if (m.allowed) {
			char allow[64];
			router_allow(m.allowed, allow, sizeof allow);
			reply_error(r, ERR_METHOD_NOT_ALLOWED, NULL);
			reply_header(r, "Allow", allow);
		} else {
			reply_error(r, ERR_NOT_FOUND, NULL);
		}
		return;
	}
	for (int i = 0; i < m.nparams; i++)
		r->params[r->nparams++] = strndup(m.params[i].start, m.params[i].len);
	if ((m.route->flags & ROUTE_LIMITED) && cfg->rate_limits) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		unsigned wait = ratelimit_take(ci ? ci->client_addr : NULL, (int64_t)time(NULL));
		if (wait) {
			char secs[16];
			snprintf(secs, sizeof secs, "%u", wait);
			reply_error(r, ERR_RATE_LIMITED, NULL);
			reply_header(r, "Retry-After", secs);
			return;
		}
	}

	const char *ct = req_header(r, "Content-Type");
	if (m.route->body == BODY_JSON && !is_type(ct, "application/json")) {
		static const char *const json_only[] = { "application/json", NULL };
		reply_unsupported(r, json_only);
	} else if (m.route->body == BODY_FORM && !is_type(ct, "application/x-www-form-urlencoded")) {
		static const char *const form_only[] = { "application/x-www-form-urlencoded", NULL };
		reply_unsupported(r, form_only);
	} else if (m.route->body == BODY_UPLOAD && !is_type(ct, "multipart/form-data") &&
	           ((m.route->flags & ROUTE_MULTIPART) || !is_type(ct, "application/json"))) {
		static const char *const upload_types[] = { "application/json", "multipart/form-data",
		                                            NULL };
		static const char *const multipart_only[] = { "multipart/form-data", NULL };
		reply_unsupported(r, (m.route->flags & ROUTE_MULTIPART) ? multipart_only : upload_types);
	} else if (m.route->body == BODY_UPLOAD && is_type(ct, "application/json")) {
		/* A JSON submission can be as long as the longest message allows: 12 bytes a
		 * character, as a 4-byte one may come escaped ("\ud83d\ude42"); at most 1.2 MB. */
		struct settings st;
		settings_get(&st);
		r->body_max = (size_t)st.max_message_chars * JSON_BYTES_PER_CHAR + cfg->json_max_body;
		if (cl && strtoull(cl, NULL, 10) > r->body_max)
			reply_error(r, ERR_TOO_LARGE, NULL);
	} else if (m.route->body == BODY_UPLOAD && is_type(ct, "multipart/form-data")) {
		/* The whole of an upload may be as large as every file at its limit, plus fields. */
		struct settings st;
		settings_get(&st);
		r->body_max = (size_t)st.max_files * st.max_file_bytes + (1u << 20);
		if (cl && strtoull(cl, NULL, 10) > r->body_max)
			reply_error(r, ERR_TOO_LARGE, NULL);
		else
			upload_start(r);
	} else if (cl && strtoull(cl, NULL, 10) > r->body_max) {
		reply_error(r, ERR_TOO_LARGE, NULL); /* from the declared length, before reading */
	}
}

/* Collects a body chunk (or streams it, for uploads), or drops it once the request failed. */
static enum MHD_Result collect(struct request *r, const char *data, size_t n)
{
	r->body_seen += n;
	if (r->replied)
		return r->body_seen > r->body_max + DRAIN_MAX ? MHD_NO : MHD_YES;
	if (r->up) {
		if (r->body_seen > r->body_max)
			reply_error(r, ERR_TOO_LARGE, NULL);
		else
			upload_feed(r, data, n);
		return MHD_YES;
	}
	if (r->body_len + n > r->body_max) {
		free(r->body);
		r->body = NULL;
		r->body_len = 0;
		reply_error(r, ERR_TOO_LARGE, NULL);
		return MHD_YES;
	}
	if (r->body_len + n + 1 > r->body_cap) {
		size_t cap = r->body_cap ? r->body_cap : 1024;
		while (cap < r->body_len + n + 1)
			cap *= 2;
		char *b = realloc(r->body, cap);
		if (!b) {
			reply_error(r, ERR_INTERNAL, NULL);
			return MHD_YES;
		}
		r->body = b;
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, data, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
	return MHD_YES;
}

/* Who the caller is, checked against the route: a reporter's receipt session, or a staff
 * session with a role the route allows and, when required, a second factor. Returns 0, or -1
 * after replying. Blocking (database). */
static int authorize(struct request *r)
{
	const struct route *rt = r->route;
	if (rt->who & WHO_PUBLIC)
		return 0;
	if (rt->who == WHO_REPORTER)
		return session_reporter_authenticate(r);
	if (session_authenticate(r) != 0) {
		if ((rt->flags & ROUTE_PAGE) && r->status == 401) /* a page sends people to sign in */
			reply_redirect(r, r->lang == LANG_EN ? "/staff/login?lang=en" : "/staff/login");
		return -1;
	}
	static const struct {
		const char *role;
		unsigned who;
	} roles[] = { { "admin", WHO_ADMIN }, { "investigator", WHO_INVESTIGATOR },
	              { "supervisor", WHO_SUPERVISOR }, { "leader", WHO_LEADER } };
	unsigned mine = 0;
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
		if (!strcmp(r->user.role, roles[i].role))
			mine = roles[i].who;
	if (!(rt->who & mine)) {
		reply_error(r, ERR_FORBIDDEN, NULL);
		return -1;
	}
	struct settings s;
	settings_get(&s);
	r->totp_setup_required = settings_totp_required(&s, r->user.role) && !r->user.totp_enabled;
	if (r->totp_setup_required && !(rt->flags & ROUTE_SETUP) && (rt->flags & ROUTE_PAGE)) {
		reply_redirect(r, r->lang == LANG_EN ? "/staff/account?lang=en#totp" : "/staff/account#totp");
		return -1;
	}
	if (r->totp_setup_required && !(rt->flags & ROUTE_SETUP)) {
		reply_outcome(r, &OUTCOME(ERR_FORBIDDEN, NULL, r->lang == LANG_EN
		              ? "Set up two-step verification first (your account page)."
		              : "Aktifkan verifikasi dua langkah terlebih dahulu (halaman akun Anda)."));
		return -1;
	}
	return 0;
}

/* Parses a collected body (JSON or form) into r->json. Returns 0, or -1 after replying. */
static int parse_body(struct request *r)
{
	enum body_kind kind = r->route->body;
	if (kind == BODY_JSON || (kind == BODY_UPLOAD && !r->up)) {
		json_error_t jerr;
		r->json = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &jerr);
		if (!r->json) {
			reply_error(r, ERR_INVALID_JSON, NULL);
			return -1;
		}
	} else if (kind == BODY_FORM) {
		r->json = form_parse(r->body ? r->body : "", r->body_len);
		if (!r->json) {
			reply_error(r, ERR_BAD_REQUEST, NULL);
			return -1;
		}
	}
	return 0;
}

/* Mid-body, on a worker: the caller is authorized before any file is handled, then the
 * batch goes to the route's upload_ops. */
static void flush(struct request *r)
{
	if (!r->authorized && authorize(r) == 0)
		r->authorized = true;
	if (r->authorized)
		upload_flush(r, false);
}

/* At the end of the body: authorization, input and the handler. On a worker, or inline for
 * pure routes. */
static void run(struct request *r)
{
	const struct route *rt = r->route;
	if (!r->up && parse_body(r) != 0)
		return;
	if (!r->authorized) {
		if (authorize(r) != 0)
			return;
		r->authorized = true;
	}
	if (rt->body == BODY_UPLOAD) {
		if (r->up)
			upload_flush(r, true);
		else if (rt->upload->begin(r) != 0 && !r->replied)
			reply_error(r, ERR_INTERNAL, NULL);
		if (r->replied)
			return;
	} else if (rt->fields && req_parse_fields(r) != 0) {
		return;
	}
	rt->handler(r);
	if (!r->replied) {
		log_error("handler for %s %s gave no reply", r->method_name, rt->pattern);
		reply_error(r, ERR_INTERNAL, NULL);
	}
}

static void work(void *arg)
{
	struct request *r = arg;
	run(r);
	r->state = ST_DONE;
	MHD_resume_connection(r->conn);
}

static void work_flush(void *arg)
{
	struct request *r = arg;
	flush(r);
	r->state = ST_NEW; /* back to receiving the body */
	MHD_resume_connection(r->conn);
}

/* Suspends the connection and hands `job` to the pool; 503 when the pool is full. */
static enum MHD_Result hand_off(struct http_server *s, struct request *r, void (*job)(void *))
{
	if (!pool_has_room(s->pool)) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		reply_header(r, "Retry-After", "5");
		return job == work ? queue(r) : MHD_YES;
	}
	r->state = ST_RUNNING;
	MHD_suspend_connection(r->conn);
	if (pool_submit(s->pool, job, r) != 0) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		reply_header(r, "Retry-After", "5");
		r->state = job == work ? ST_DONE : ST_NEW;
		MHD_resume_connection(r->conn);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
	struct http_server *s = cls;
	struct request *r = *req_cls;
	(void)version;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		*req_cls = r;
		r->conn = conn;
		atomic_fetch_add(&s->active, 1);
		setup(s, r, url, method);
		/* Answer before the body only when one is coming (413, 415), so libmicrohttpd does
		 * not read it; otherwise at the end, which keeps the connection alive. */
		return r->replied && r->expects_body ? queue(r) : MHD_YES;
	}
	if (*upload_data_size) {
		enum MHD_Result ok = collect(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		if (ok == MHD_YES && upload_needs_flush(r))
			return hand_off(s, r, work_flush);
		return ok;
	}
	if (r->state == ST_DONE)
		return queue(r);
	if (r->state == ST_RUNNING)
		return MHD_YES;
	if (r->replied)
		return queue(r);
	if (r->up && upload_finish(r) != 0)
		return queue(r);
	if ((r->route->flags & ROUTE_INLINE) && (r->route->who & WHO_PUBLIC)) {
		run(r);
		return queue(r);
	}
	return hand_off(s, r, work);
}

/* Overwrites every string inside a parsed body before it is released: bodies carry
 * passwords, recovery keys and codes. */
static void wipe_json(json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;
	if (json_is_string(v))
		sodium_memzero((char *)json_string_value(v), json_string_length(v));
	else if (json_is_object(v))
		json_object_foreach(v, key, item) wipe_json(item);
	else if (json_is_array(v))
		json_array_foreach(v, i, item) wipe_json(item);
}

static void request_free(struct request *r)
{
	for (int i = 0; i < r->nparams; i++)
		free(r->params[i]);
	for (int i = 0; i < JFIELDS_MAX; i++) {
		if (r->owned[i])
			sodium_memzero(r->owned[i], strlen(r->owned[i])); /* may be a password */
		free(r->owned[i]);
	}
	for (int i = 0; i < r->nheaders; i++)
		free(r->headers[i].value);
	if (r->body)
		sodium_memzero(r->body, r->body_len); /* may hold a password */
	sodium_free(r->sk);
	if (r->stream && r->stream->free)
		r->stream->free(r->stream_state);
	free(r->piece);
	upload_free(r);
	if (r->upload_state_free)
		r->upload_state_free(r->upload_state);
	free(r->body);
	wipe_json(r->json);
	json_decref(r->json);
	if (!r->reply_static)
		free(r->reply);
	sodium_memzero(r, sizeof *r);
	free(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct request *r = *req_cls;
	(void)conn;
	(void)toe;
	if (!r)
		return;
	*req_cls = NULL;
	if (r->reporter) {
		atomic_fetch_add(&s->reporter_requests, 1);
	} else {
		struct timespec end;
		clock_gettime(CLOCK_MONOTONIC, &end);
		double ms = (double)(end.tv_sec - r->start.tv_sec) * 1e3 +
		            (double)(end.tv_nsec - r->start.tv_nsec) / 1e6;
		log_request(r->method_name, r->pattern ? r->pattern : "(no route)",
		            r->state == ST_DONE ? r->status : 0, ms);
	}
	request_free(r);
	atomic_fetch_sub(&s->active, 1);
}

/* libmicrohttpd's own messages about the daemon, with anything that looks like an address
 * blanked out. Messages about single connections are dropped: their time would say when
 * someone (perhaps a reporter) was connected (SECURITY.md threat 7). */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	static const char *const per_connection[] = { "onnection", "equest", "lient", "imeout",
	                                               "closed", "ocket", "eader", "upload" };
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	for (size_t i = 0; i < sizeof per_connection / sizeof *per_connection; i++)
		if (strstr(msg, per_connection[i]))
			return;
	for (char *p = msg; *p; p++) {
		size_t n = strspn(p, "0123456789abcdefABCDEF:.[]");
		if (n >= 7 && (memchr(p, '.', n) || memchr(p, ':', n)) && strpbrk(p, "0123456789") &&
		    strpbrk(p, "0123456789") < p + n)
			memset(p, '*', n);
		p += n ? n - 1 : 0;
	}
	msg[strcspn(msg, "\n")] = '\0';
	log_info("http: %s", msg);
}

struct http_server *http_start(const struct server_ctx *ctx, char *err, size_t errlen)
{
	const struct config *cfg = ctx->cfg;
	struct http_server *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->ctx = ctx;
	s->pool = pool_new(cfg->workers, cfg->queue_max);
	if (!s->pool) {
		free(s);
		snprintf(err, errlen, "could not start %u worker threads", cfg->workers);
		return NULL;
	}
	struct sockaddr_storage ss = { 0 };
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, cfg->listen_host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)cfg->listen_port);
	} else if (inet_pton(AF_INET6, cfg->listen_host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)cfg->listen_port);
		flags |= MHD_USE_IPv6;
	} else if (!strcmp(cfg->listen_host, "localhost")) {
		v4->sin_family = AF_INET;
		v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		v4->sin_port = htons((uint16_t)cfg->listen_port);
	} else {
		pool_free(s->pool);
		free(s);
		snprintf(err, errlen, "listen address must be an IP address: %s", cfg->listen_host);
		return NULL;
	}
	s->d = MHD_start_daemon(
		flags, (uint16_t)cfg->listen_port, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->io_threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->rate_limits ? cfg->per_ip_connections : 0u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->connection_memory,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		MHD_OPTION_END);
	if (!s->d) {
		pool_free(s->pool);
		free(s);
		snprintf(err, errlen, "could not listen on %s:%u (in use, or not allowed)",
		         cfg->listen_host, cfg->listen_port);
		return NULL;
	}
	return s;
}

unsigned http_port(const struct http_server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

unsigned long http_take_reporter_count(struct http_server *s)
{
	return atomic_exchange(&s->reporter_requests, 0);
}

unsigned long http_stop(struct http_server *s, unsigned grace_s)
{
	MHD_socket fd = MHD_quiesce_daemon(s->d); /* no new connections from here on */
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (unsigned waited = 0; atomic_load(&s->active) > 0 && waited < grace_s * 20; waited++) {
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (atomic_load(&s->active) > 0)
		log_info("stopping with %u requests unfinished", atomic_load(&s->active));
	pool_free(s->pool); /* finishes queued work, which resumes its connections */
	MHD_stop_daemon(s->d);
	unsigned long counted = atomic_load(&s->reporter_requests);
	free(s);
	return counted;
}
