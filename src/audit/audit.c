/* audit.c: the hash-chained audit trail: appending, the hourly reporter batch, head
 * signatures and verification. The hash covers a canonical encoding (length-prefixed fields,
 * big-endian integers), so it does not depend on the database engine. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "core/log.h"

static const char *const names[] = {
#define X(sym, str) str,
	AUDIT_ACTIONS(X)
#undef X
};

const char *audit_action_name(enum audit_action a)
{
	return names[a];
}

bool audit_action_valid(const char *name)
{
	for (int i = 0; i < AUDIT_ACTION_COUNT; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static void put_u64(crypto_generichash_state *h, uint64_t v)
{
	unsigned char b[8];
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)(v & 0xFF);
	crypto_generichash_update(h, b, sizeof b);
}

static void put_str(crypto_generichash_state *h, const char *s)
{
	size_t n = strlen(s);
	put_u64(h, n);
	crypto_generichash_update(h, (const unsigned char *)s, n);
}

void audit_hash(struct store_audit *e)
{
	static const char domain[] = "peluit-audit-entry-v1";
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, AUDIT_HASHBYTES);
	crypto_generichash_update(&h, (const unsigned char *)domain, sizeof domain);
	put_u64(&h, (uint64_t)e->seq);
	put_u64(&h, (uint64_t)e->at);
	put_str(&h, e->actor_id);
	put_str(&h, e->actor);
	put_str(&h, e->action);
	put_str(&h, e->subject);
	put_str(&h, e->detail);
	crypto_generichash_update(&h, e->prev, sizeof e->prev);
	crypto_generichash_final(&h, e->hash, AUDIT_HASHBYTES);
}

static void copy(char *dst, size_t len, const char *src)
{
	size_t n = src ? strnlen(src, len - 1) : 0;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Appends one entry after the current head. */
static int append(struct store *st, int64_t at, const char *actor_id, const char *actor,
                  const char *action, const char *subject, const char *detail)
{
	struct store_audit e = { .at = at };
	int rc = st->audit_head(st->cls, &e.seq, e.prev);
	if (rc != STORE_OK)
		return rc;
	e.seq++;
	copy(e.actor_id, sizeof e.actor_id, actor_id);
	copy(e.actor, sizeof e.actor, actor);
	copy(e.action, sizeof e.action, action);
	copy(e.subject, sizeof e.subject, subject);
	copy(e.detail, sizeof e.detail, detail);
	audit_hash(&e);
	return st->audit_insert(st->cls, &e);
}

int audit_append(struct store *st, const struct audit_event *ev)
{
	return append(st, (int64_t)time(NULL), ev->actor_id, ev->actor,
	              audit_action_name(ev->action), ev->subject, ev->detail);
}

int audit_append_reporter(struct store *st, enum audit_action action, const char *subject)
{
	return st->audit_pending_insert(st->cls, audit_action_name(action), subject ? subject : "");
}

struct pending {
	struct {
		char action[40];
		char subject[128];
	} *items;
	size_t n, cap;
};

static int collect_pending(void *arg, const char *action, const char *subject)
{
	struct pending *p = arg;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		void *items = realloc(p->items, cap * sizeof *p->items);
		if (!items)
			return STORE_ERR;
		p->items = items;
		p->cap = cap;
	}
	copy(p->items[p->n].action, sizeof p->items[p->n].action, action);
	copy(p->items[p->n].subject, sizeof p->items[p->n].subject, subject);
	p->n++;
	return STORE_OK;
}

struct flush {
	int n;
};

static int flush_tx(struct store *st, void *arg)
{
	struct flush *f = arg;
	struct pending p = { 0 };
	int rc = st->audit_pending_take(st->cls, collect_pending, &p);
	/* Fisher-Yates with libsodium's uniform generator: no order to read a time from. */
	for (size_t i = p.n; rc == STORE_OK && i > 1; i--) {
		size_t j = randombytes_uniform((uint32_t)i);
		char tmp[sizeof *p.items];
		memcpy(tmp, &p.items[i - 1], sizeof tmp);
		memcpy(&p.items[i - 1], &p.items[j], sizeof tmp);
		memcpy(&p.items[j], tmp, sizeof tmp);
	}
	f->n = 0;
	for (size_t i = 0; rc == STORE_OK && i < p.n; i++, f->n++)
		rc = append(st, 0, "", "", p.items[i].action, p.items[i].subject, "");
	free(p.items);
	return rc;
}

int audit_flush_reporter(struct store *st, int *n)
{
	struct flush f = { 0 };
	int rc = store_tx(st, flush_tx, &f);
	*n = rc == STORE_OK ? f.n : 0;
	return rc;
}

void audit_signed_message(unsigned char out[AUDIT_SIGNED_BYTES], int64_t seq,
                          const unsigned char hash[AUDIT_HASHBYTES])
{
	static const char domain[16] = "peluit-audit-hd1"; /* exactly 16 bytes, no NUL */
	memcpy(out, domain, 16);
	uint64_t v = (uint64_t)seq;
	for (int i = 7; i >= 0; i--, v >>= 8)
		out[16 + i] = (unsigned char)(v & 0xFF);
	memcpy(out + 24, hash, AUDIT_HASHBYTES);
}

static int sign_head(struct store *st, const char *signer_id,
                     const unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char hash[AUDIT_HASHBYTES], msg[AUDIT_SIGNED_BYTES];
	struct store_audit_sig s = { .signed_at = (int64_t)time(NULL) };
	int rc = st->audit_head(st->cls, &s.seq, hash);
	if (rc != STORE_OK || s.seq == 0)
		return rc;
	copy(s.signer_id, sizeof s.signer_id, signer_id);
	audit_signed_message(msg, s.seq, hash);
	crypto_sign_detached(s.sig, NULL, msg, sizeof msg, sk);
	return st->audit_sig_insert(st->cls, &s);
}

struct sign_args {
	const char *signer_id;
	const unsigned char *sk;
};

static int sign_server_tx(struct store *st, void *arg)
{
	int64_t head, signed_seq;
	unsigned char hash[AUDIT_HASHBYTES];
	int rc = st->audit_head(st->cls, &head, hash);
	if (rc == STORE_OK)
		rc = st->audit_last_signed(st->cls, true, &signed_seq);
	if (rc != STORE_OK || head == signed_seq)
		return rc;
	return sign_head(st, "", ((struct sign_args *)arg)->sk);
}

int audit_sign_server(struct store *st, const unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	struct sign_args a = { "", sk };
	return store_tx(st, sign_server_tx, &a);
}

static int sign_supervisor_tx(struct store *st, void *arg)
{
	struct sign_args *a = arg;
	return sign_head(st, a->signer_id, a->sk);
}

int audit_sign_supervisor(struct store *st, const char *user_id,
                          const unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	struct sign_args a = { user_id, sk };
	return store_tx(st, sign_supervisor_tx, &a);
}

/* ---- verification ---- */

/* Hashes of the chain, indexed by seq, kept while walking it. */
struct walk {
	struct audit_verdict *v;
	unsigned char (*hashes)[AUDIT_HASHBYTES];
	int64_t cap;
	unsigned char prev[AUDIT_HASHBYTES];
	int64_t verified; /* entries checked before the first break */
};

static void bad(struct audit_verdict *v, int64_t seq, const char *why)
{
	if (v->first_bad == 0 || seq < v->first_bad) {
		v->first_bad = seq;
		v->why = why;
	}
	v->ok = false;
}

static int walk_entry(void *arg, const struct store_audit *e)
{
	struct walk *w = arg;
	struct audit_verdict *v = w->v;
	int64_t want = ++v->entries;
	memcpy(v->head, e->hash, AUDIT_HASHBYTES);
	if (!v->ok)
		return 0; /* after the first break only count: nothing later can be trusted */
	struct store_audit check = *e;
	audit_hash(&check);
	if (e->seq != want)
		bad(v, want, e->seq > want ? "entry missing (a gap in the sequence)" : "entry out of order");
	else if (sodium_memcmp(e->prev, w->prev, AUDIT_HASHBYTES) != 0)
		bad(v, e->seq, "does not link to the entry before it");
	else if (sodium_memcmp(check.hash, e->hash, AUDIT_HASHBYTES) != 0)
		bad(v, e->seq, "content does not match its hash (edited)");
	if (!v->ok)
		return 0;
	if (e->seq > w->cap) {
		int64_t cap = w->cap ? w->cap * 2 : 1024;
		void *h = realloc(w->hashes, (size_t)(cap + 1) * AUDIT_HASHBYTES);
		if (!h)
			return -1;
		w->hashes = h;
		w->cap = cap;
	}
	memcpy(w->hashes[e->seq], e->hash, AUDIT_HASHBYTES);
	memcpy(w->prev, e->hash, AUDIT_HASHBYTES);
	w->verified = e->seq;
	return 0;
}

struct sigwalk {
	struct walk *w;
	const unsigned char *server_pk;
	audit_signer_pk_fn signer_pk;
	void *arg;
};

static int walk_sig(void *arg, const struct store_audit_sig *s)
{
	struct sigwalk *sw = arg;
	struct audit_verdict *v = sw->w->v;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], msg[AUDIT_SIGNED_BYTES];
	bool server = s->signer_id[0] == '\0';
	if (s->seq < 1 || s->seq > sw->w->verified) {
		/* A signed head that is not in the chain: entries after it were removed. */
		bad(v, v->entries + 1, "a signed entry is missing (the chain was cut)");
		return 0;
	}
	if (server)
		memcpy(pk, sw->server_pk, sizeof pk);
	else {
		int known = sw->signer_pk(sw->arg, s->signer_id, pk);
		if (known == AUDIT_SIGNER_UNKNOWN)
			return 0;
		if (known != 0) {
			bad(v, s->seq, "signed by someone who is not a trusted supervisor");
			return 0;
		}
	}
	audit_signed_message(msg, s->seq, sw->w->hashes[s->seq]);
	if (crypto_sign_verify_detached(s->sig, msg, sizeof msg, pk) != 0) {
		bad(v, s->seq, server ? "the server's signature does not match (rewritten)"
		                      : "a supervisor's signature does not match (rewritten)");
		return 0;
	}
	if (server && s->seq > v->server_signed_through)
		v->server_signed_through = s->seq;
	if (!server && s->seq > v->supervisor_signed_through)
		v->supervisor_signed_through = s->seq;
	return 0;
}

int audit_verify(struct store *st, const unsigned char server_pk[crypto_sign_PUBLICKEYBYTES],
                 audit_signer_pk_fn signer_pk, void *arg, struct audit_verdict *v)
{
	memset(v, 0, sizeof *v);
	v->ok = true;
	struct walk w = { .v = v };
	int rc = st->audit_each(st->cls, walk_entry, &w);
	if (rc == STORE_OK && v->ok) {
		struct sigwalk sw = { &w, server_pk, signer_pk, arg };
		rc = st->audit_sig_each(st->cls, walk_sig, &sw);
	}
	free(w.hashes);
	return rc;
}

json_t *audit_verdict_json(const struct audit_verdict *v)
{
	char head[AUDIT_HASHBYTES * 2 + 1];
	sodium_bin2hex(head, sizeof head, v->head, AUDIT_HASHBYTES);
	json_t *j = json_pack("{s:b,s:I,s:s,s:o,s:o,s:o,s:o}", "ok", v->ok, "entries",
	                      (json_int_t)v->entries, "head", head, "first_bad",
	                      v->first_bad ? json_integer(v->first_bad) : json_null(),
	                      "supervisor_signed_through",
	                      v->supervisor_signed_through ? json_integer(v->supervisor_signed_through)
	                                                   : json_null(),
	                      "server_signed_through",
	                      v->server_signed_through ? json_integer(v->server_signed_through)
	                                               : json_null(),
	                      "problem", v->why ? json_string(v->why) : json_null());
	return j;
}
