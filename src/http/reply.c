/* reply.c: setting the one reply of a request. The bytes are sent by http/server.c, which
 * adds the security headers of SECURITY.md to every response. */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

static void reset(struct request *r)
{
	if (!r->reply_static)
		free(r->reply);
	r->reply = NULL;
	r->reply_len = 0;
	r->reply_static = false;
	if (r->stream && r->stream->free)
		r->stream->free(r->stream_state);
	r->stream = NULL;
	r->stream_state = NULL;
	r->replied = true;
}

void reply_take(struct request *r, unsigned status, const char *content_type, char *data,
                size_t len)
{
	reset(r);
	r->status = status;
	r->content_type = content_type;
	r->reply = data;
	r->reply_len = len;
}

void reply_stream(struct request *r, unsigned status, const char *content_type, uint64_t size,
                  const struct reply_stream_ops *ops, void *state)
{
	reset(r);
	r->status = status;
	r->content_type = content_type;
	r->stream = ops;
	r->stream_state = state;
	r->stream_size = size;
}

void reply_static(struct request *r, unsigned status, const char *content_type,
                  const void *data, size_t len, const char *cache)
{
	reset(r);
	r->status = status;
	r->content_type = content_type;
	r->reply = (char *)data;
	r->reply_len = len;
	r->reply_static = true;
	r->cache = cache;
}

void reply_empty(struct request *r, unsigned status)
{
	reset(r);
	r->status = status;
	r->content_type = NULL;
}

void reply_redirect(struct request *r, const char *location)
{
	reply_empty(r, 303);
	reply_header(r, "Location", location);
}

void reply_json(struct request *r, unsigned status, json_t *body)
{
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!s) {
		reply_error(r, ERR_INTERNAL, NULL);
		return;
	}
	reply_take(r, status, "application/json; charset=utf-8", s, strlen(s));
}

static void error_page(struct request *r, enum err e)
{
	json_t *ctx = json_pack("{s:{s:i,s:s}}", "error", "status", (int)err_status(e), "message",
	                        err_message(e, r->lang));
	reply_page(r, err_status(e), "error", ctx);
}

void reply_error(struct request *r, enum err e, const char *field)
{
	reply_outcome(r, &OUTCOME(e, field, NULL));
}

void reply_outcome(struct request *r, const struct outcome *o)
{
	enum err e = o->err;
	const char *field = o->field;
	if (r->html_errors && e != ERR_INTERNAL) {
		error_page(r, e);
		return;
	}
	json_t *err = json_pack("{s:s,s:s}", "code", err_code(e), "message",
	                        o->message ? o->message : err_message(e, r->lang));
	if (err && field)
		json_object_set_new(err, "field", json_string(field));
	json_t *body = err ? json_pack("{s:o}", "error", err) : NULL;
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!s) { /* out of memory: a fixed body still says what happened */
		static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"internal\"}}";
		reply_static(r, 500, "application/json; charset=utf-8", oom, sizeof oom - 1, NULL);
		return;
	}
	reply_take(r, err_status(e), "application/json; charset=utf-8", s, strlen(s));
}

void reply_unsupported(struct request *r, const char *const *accepted)
{
	json_t *list = json_array();
	for (int i = 0; accepted[i]; i++)
		json_array_append_new(list, json_string(accepted[i]));
	json_t *body = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", err_code(ERR_UNSUPPORTED_TYPE),
	                         "message", err_message(ERR_UNSUPPORTED_TYPE, r->lang), "accepted", list);
	reply_json(r, err_status(ERR_UNSUPPORTED_TYPE), body);
}

void reply_header(struct request *r, const char *name, const char *value)
{
	if (r->nheaders == EXTRA_HEADERS_MAX)
		return;
	char *v = strdup(value);
	if (!v)
		return;
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders++].value = v;
}
