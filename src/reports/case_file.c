/* case_file.c: evidence downloads for readers of a report. The file's key is opened with
 * K_report; its chunks are read and decrypted one at a time on the worker pool
 * (crypto_secretstream), so memory stays at one chunk whatever the file's size. A chunk that
 * fails authentication, a missing chunk or a stream that does not end where it should stops
 * the download with the connection closed: never a clean 200 with a wrong body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/log.h"
#include "reports/cases.h"
#include "reports/internal.h"

struct download {
	struct store *st;
	char file_id[ID_CHARS + 1];
	int64_t seq, chunks;
	bool ended;               /* the final tag was seen */
	crypto_secretstream_xchacha20poly1305_state *ss; /* guarded */
	unsigned char *cipher;    /* one stored chunk */
};

static void download_free(void *arg)
{
	struct download *d = arg;
	if (!d)
		return;
	sodium_free(d->ss);
	free(d->cipher);
	free(d);
}

static long download_next(void *arg, unsigned char *buf, size_t cap)
{
	struct download *d = arg;
	for (;;) {
		if (d->seq == d->chunks)
			return d->ended ? 0 : -1;
		if (d->ended || cap < FILE_CHUNK)
			return -1;
		size_t n;
		if (d->st->file_chunk_get(d->st->cls, d->file_id, d->seq, d->cipher,
		                          FILE_CHUNK + FILE_CHUNK_OVERHEAD, &n) != STORE_OK ||
		    n < FILE_CHUNK_OVERHEAD) {
			log_error("download: a chunk of a file is missing or unreadable");
			return -1;
		}
		unsigned long long plain;
		unsigned char tag;
		if (crypto_secretstream_xchacha20poly1305_pull(d->ss, buf, &plain, &tag, d->cipher, n,
		                                               NULL, 0) != 0) {
			log_error("download: a chunk of a file fails authentication");
			return -1;
		}
		d->seq++;
		d->ended = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
		/* The last stored chunk must carry the final tag: a stream cut short (chunks dropped
		 * and the counts shortened to match) ends without it, and its last piece is never
		 * sent, so the body stays short of its length. */
		if (d->seq == d->chunks && !d->ended) {
			log_error("download: a file's stream ends without its final chunk");
			return -1;
		}
		if (plain > 0)
			return (long)plain;
	}
}

static const struct reply_stream_ops download_ops = { download_next, download_free };

/* The file name for Content-Disposition: an ASCII fallback (quotes, backslashes and controls
 * replaced) and the exact name, percent-encoded (RFC 5987). */
static void disposition(const char *name, char *out, size_t len)
{
	char ascii[256], enc[256 * 3 + 1];
	size_t a = 0, e = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p && a + 1 < sizeof ascii; p++)
		ascii[a++] = *p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' || *p == '/' ||
		             *p == ';' ? '_' : (char)*p;
	ascii[a] = '\0';
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; *p && e + 4 < sizeof enc; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("!#$&+-.^_`|~", *p)) {
			enc[e++] = (char)*p;
		} else {
			enc[e++] = '%';
			enc[e++] = hex[*p >> 4];
			enc[e++] = hex[*p & 15];
		}
	}
	enc[e] = '\0';
	snprintf(out, len, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
	         a ? ascii : "evidence", e ? enc : "evidence");
}

struct downloaded {
	struct request *r;
	struct case_ctx *c;
};

static int downloaded_tx(struct store *st, void *arg)
{
	struct downloaded *d = arg;
	struct audit_event ev = { AUDIT_EVIDENCE_DOWNLOADED, d->r->user.id, d->r->user.username,
	                          d->c->rep.number, NULL };
	return audit_append(st, &ev);
}

/* The Content-Type to serve: one of the fixed strings of the accepted types (the stored type
 * is bound to the file by its ciphertext, and is matched against that list all the same). */
static const char *served_type(const char *stored)
{
	for (int t = MT_UNKNOWN + 1; stored && t < MT_COUNT; t++)
		if (!strcmp(media_mime((enum media_type)t), stored))
			return media_mime((enum media_type)t);
	return "application/octet-stream";
}

void case_file_reply(struct request *r, struct case_ctx *c, const char *fid)
{
	struct store *st = r->ctx->store;
	struct store_file f;
	int rc = st->file_get(st->cls, fid, &f);
	if (rc == STORE_NONE || (rc == STORE_OK && strcmp(f.report_id, c->rep.id) != 0)) {
		if (rc == STORE_OK)
			free(f.meta);
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	if (rc != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *meta = box_open_json(f.meta, f.meta_len, CASE_K_REPORT(c), c->rep.id, f.id,
	                             f.added_by, BOX_FILE_META);
	free(f.meta);
	struct download *d = calloc(1, sizeof *d);
	unsigned char *key = sodium_malloc(RKEY_BYTES);
	bool ok = meta && d && key && (d->ss = sodium_malloc(sizeof *d->ss)) &&
	          (d->cipher = malloc(FILE_CHUNK + FILE_CHUNK_OVERHEAD)) &&
	          box_open(key, f.stream_key, sizeof f.stream_key, CASE_K_REPORT(c), c->rep.id, f.id,
	                   f.added_by, BOX_FILE_KEY) == 0 &&
	          crypto_secretstream_xchacha20poly1305_init_pull(d->ss, f.header, key) == 0;
	sodium_free(key);
	struct downloaded dl = { r, c };
	if (ok && r->method != M_HEAD && store_tx(st, downloaded_tx, &dl) != STORE_OK)
		ok = false;
	if (!ok) {
		json_decref(meta);
		download_free(d);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	d->st = st;
	memcpy(d->file_id, f.id, sizeof d->file_id);
	d->chunks = f.chunks;
	const char *type = json_string_value(json_object_get(meta, "type"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	char cd[1200];
	disposition(name ? name : "", cd, sizeof cd);
	const char *ct = served_type(type);
	json_decref(meta);
	reply_stream(r, 200, ct, (uint64_t)f.size, &download_ops, d);
	reply_header(r, "Content-Disposition", cd);
	/* Opened directly, the bytes run in a sandbox without scripts, styles or plugins. */
	reply_header(r, "Content-Security-Policy", "default-src 'none'; img-src 'self'; "
	                                           "media-src 'self'; sandbox");
}
