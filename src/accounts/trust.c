/* trust.c: certificate chains to the trust root, with a per-process cache, and the
 * organisation key. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accounts/trust.h"
#include "audit/audit.h"
#include "core/log.h"
#include "crypto/keys.h"

#define ROOT_MAGIC "peluit-trust-root-v1\n"

int trust_load(const char *data_dir, struct trust *t, char *err, size_t errlen)
{
	char path[4200], buf[256], hex[65], id[ID_CHARS + 1];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	if (atomic_load(&t->present))
		return 0;
	snprintf(path, sizeof path, "%s/trust-root", data_dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	size_t m = strlen(ROOT_MAGIC);
	if (n < m || memcmp(buf, ROOT_MAGIC, m) != 0 ||
	    sscanf(buf + m, "%22s %64s", id, hex) != 2 ||
	    sodium_hex2bin(pk, sizeof pk, hex, 64, NULL, NULL, NULL) != 0) {
		snprintf(err, errlen, "%s: not a Peluit trust-root file", path);
		return -1;
	}
	memcpy(t->root_id, id, sizeof t->root_id);
	memcpy(t->root_pk, pk, sizeof t->root_pk);
	atomic_store(&t->present, true); /* published after the fields it guards */
	return 0;
}

int trust_write(const char *data_dir, const struct store_user *u, char *err, size_t errlen)
{
	char path[4200], hex[65], fp[FINGERPRINT_CHARS + 1], text[256];
	snprintf(path, sizeof path, "%s/trust-root", data_dir);
	sodium_bin2hex(hex, sizeof hex, u->sign_pk, sizeof u->sign_pk);
	key_fingerprint(u, fp);
	/* The fingerprint line is for people comparing it with their paper copy. */
	int n = snprintf(text, sizeof text, "%s%s %s\nfingerprint: %s\n", ROOT_MAGIC, u->id, hex, fp);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* ---- the chain cache: digests of certificates whose whole chain verified ---- */

#define CACHE_SLOTS 4096
static unsigned char cache[CACHE_SLOTS][16];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static void cert_digest(const struct store_user *u, const struct trust *t, unsigned char d[16])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 16);
	crypto_generichash_update(&h, t->root_pk, sizeof t->root_pk);
	crypto_generichash_update(&h, (const unsigned char *)u->id, strlen(u->id) + 1);
	crypto_generichash_update(&h, (const unsigned char *)u->role, strlen(u->role) + 1);
	crypto_generichash_update(&h, u->enc_pk, sizeof u->enc_pk);
	crypto_generichash_update(&h, u->sign_pk, sizeof u->sign_pk);
	crypto_generichash_update(&h, (const unsigned char *)u->cert_signer, strlen(u->cert_signer) + 1);
	crypto_generichash_update(&h, u->cert_sig, sizeof u->cert_sig);
	crypto_generichash_final(&h, d, 16);
}

static bool cache_has(const unsigned char d[16])
{
	unsigned slot = ((unsigned)d[0] << 8 | d[1]) % CACHE_SLOTS;
	pthread_mutex_lock(&cache_mu);
	bool hit = memcmp(cache[slot], d, 16) == 0;
	pthread_mutex_unlock(&cache_mu);
	return hit;
}

static void cache_put(const unsigned char d[16])
{
	unsigned slot = ((unsigned)d[0] << 8 | d[1]) % CACHE_SLOTS;
	pthread_mutex_lock(&cache_mu);
	memcpy(cache[slot], d, 16);
	pthread_mutex_unlock(&cache_mu);
}

static bool chain(const struct trust *t, struct store *st, const struct store_user *u, int depth)
{
	if (!t->present || !u->has_keys || !u->has_cert || depth > 16)
		return false;
	unsigned char d[16];
	cert_digest(u, t, d);
	if (cache_has(d))
		return true;
	bool ok;
	if (!strcmp(u->id, t->root_id)) {
		ok = !strcmp(u->cert_signer, u->id) && !strcmp(u->role, "supervisor") &&
		     sodium_memcmp(u->sign_pk, t->root_pk, sizeof t->root_pk) == 0 &&
		     cert_check(u, t->root_pk) == 0;
	} else {
		struct store_user signer;
		ok = strcmp(u->cert_signer, u->id) != 0 &&
		     st->user_by_id(st->cls, u->cert_signer, &signer) == STORE_OK &&
		     !strcmp(signer.role, "supervisor") && cert_check(u, signer.sign_pk) == 0 &&
		     chain(t, st, &signer, depth + 1);
	}
	if (ok)
		cache_put(d);
	return ok;
}

bool trust_chain_ok(const struct trust *t, struct store *st, const struct store_user *u)
{
	return chain(t, st, u, 0);
}

bool trust_is_reader(const struct trust *t, struct store *st, const struct store_user *u)
{
	bool reader_role = !strcmp(u->role, "investigator") || !strcmp(u->role, "supervisor") ||
	                   !strcmp(u->role, "leader");
	/* The column alone never makes a reader (the chain must verify), but a cleared column
	 * does suspend one: a re-enabled account waits for a supervisor, while the certificates
	 * it signed stay valid for the accounts it confirmed. */
	return reader_role && !u->disabled && u->confirmed && chain(t, st, u, 0);
}

/* ---- organisation key ---- */

int orgkey_create(struct store *st, const struct store_user *root)
{
	struct store_org_key k = { .created_at = (int64_t)time(NULL) };
	unsigned char *sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	unsigned char sealed[SEALED_ORG_SK_BYTES];
	if (!sk)
		return STORE_ERR;
	crypto_random_id(k.id);
	crypto_box_keypair(k.pk, sk);
	crypto_box_seal(sealed, sk, crypto_box_SECRETKEYBYTES, root->enc_pk);
	sodium_free(sk);
	int rc = st->org_key_insert(st->cls, &k);
	if (rc == STORE_OK)
		rc = st->org_copy_put(st->cls, k.id, root->id, sealed);
	return rc;
}

int orgkey_open(struct store *st, const struct store_user *holder, const unsigned char *holder_sk,
                unsigned char org_sk[crypto_box_SECRETKEYBYTES], struct store_org_key *key)
{
	unsigned char sealed[SEALED_ORG_SK_BYTES];
	int rc = st->org_key_current(st->cls, key);
	if (rc == STORE_OK)
		rc = st->org_copy_get(st->cls, key->id, holder->id, sealed);
	if (rc != STORE_OK)
		return rc;
	if (crypto_box_seal_open(org_sk, sealed, sizeof sealed, holder->enc_pk, SK_ENC(holder_sk)) != 0) {
		log_error("organisation key: a copy does not open with its holder's key");
		return STORE_ERR;
	}
	return STORE_OK;
}

int orgkey_share(struct store *st, const struct store_user *holder, const unsigned char *holder_sk,
                 const struct store_user *to)
{
	struct store_org_key key;
	unsigned char *org_sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	unsigned char sealed[SEALED_ORG_SK_BYTES];
	if (!org_sk)
		return STORE_ERR;
	int rc = orgkey_open(st, holder, holder_sk, org_sk, &key);
	if (rc == STORE_OK) {
		crypto_box_seal(sealed, org_sk, crypto_box_SECRETKEYBYTES, to->enc_pk);
		rc = st->org_copy_put(st->cls, key.id, to->id, sealed);
	}
	sodium_free(org_sk);
	return rc;
}

struct reseal {
	struct store *st;
	const struct store_org_key *old, *cur;
	const unsigned char *old_sk;
	int done;
};

static int reseal_one(void *arg, const struct store_report_key *k)
{
	struct reseal *r = arg;
	struct store_report_key nk = *k;
	unsigned char *plain = sodium_malloc(3 * 32);
	int rc = plain ? STORE_OK : STORE_ERR;
	const unsigned char *in[3] = { k->k_report, k->k_notes, k->k_identity };
	unsigned char *out[3] = { nk.k_report, nk.k_notes, nk.k_identity };
	for (int i = 0; rc == STORE_OK && i < (k->has_identity ? 3 : 2); i++) {
		if (crypto_box_seal_open(plain + 32 * i, in[i], SEALED_ORG_SK_BYTES, r->old->pk,
		                         r->old_sk) != 0)
			rc = STORE_ERR;
		else
			crypto_box_seal(out[i], plain + 32 * i, 32, r->cur->pk);
	}
	sodium_free(plain);
	memcpy(nk.holder, r->cur->id, sizeof nk.holder);
	if (rc == STORE_OK)
		rc = r->st->report_key_put(r->st->cls, &nk);
	if (rc == STORE_OK)
		rc = r->st->report_key_delete(r->st->cls, k->report_id, k->holder);
	if (rc == STORE_OK)
		rc = r->st->report_set_org_key(r->st->cls, k->report_id, r->cur->id);
	r->done += rc == STORE_OK;
	return rc == STORE_OK ? 0 : -1;
}

struct reseal_tx {
	const struct store_user *holder;
	const unsigned char *holder_sk;
	int max;
	int64_t remaining;
};

static int reseal_tx(struct store *st, void *arg)
{
	struct reseal_tx *a = arg;
	struct store_org_key cur, old;
	unsigned char sealed[SEALED_ORG_SK_BYTES];
	a->remaining = 0;
	int rc = st->org_key_current(st->cls, &cur);
	if (rc == STORE_OK)
		rc = st->org_key_retired_in_use(st->cls, &old, &a->remaining);
	if (rc == STORE_NONE)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	if (st->org_copy_get(st->cls, old.id, a->holder->id, sealed) != STORE_OK)
		return STORE_OK; /* this supervisor cannot open that key; another one will */
	unsigned char *old_sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	if (!old_sk)
		return STORE_ERR;
	if (crypto_box_seal_open(old_sk, sealed, sizeof sealed, a->holder->enc_pk,
	                         SK_ENC(a->holder_sk)) != 0) {
		sodium_free(old_sk);
		return STORE_ERR;
	}
	struct reseal r = { st, &old, &cur, old_sk, 0 };
	rc = st->report_keys_of(st->cls, old.id, a->max, reseal_one, &r);
	sodium_free(old_sk);
	if (rc == STORE_OK) {
		a->remaining -= r.done;
		if (a->remaining <= 0) /* nothing is sealed to it any more: it goes */
			rc = st->org_key_delete(st->cls, old.id);
	}
	return rc;
}

int orgkey_reseal(struct store *st, const struct store_user *holder, const unsigned char *holder_sk,
                  int max, int64_t *remaining)
{
	struct reseal_tx a = { holder, holder_sk, max, 0 };
	int rc = store_tx(st, reseal_tx, &a);
	*remaining = rc == STORE_OK ? a.remaining : 0;
	return rc;
}

struct holders {
	const struct trust *t;
	struct store *st;
	char ids[64][ID_CHARS + 1];
	int n;
};

static int collect_holder(void *arg, const char *user_id)
{
	struct holders *h = arg;
	if (h->n < 64)
		snprintf(h->ids[h->n++], ID_CHARS + 1, "%s", user_id);
	return 0;
}

/* The valid, active supervisors among the holders of `key_id`. */
static int valid_holders(const struct trust *t, struct store *st, const char *key_id,
                         struct holders *h, struct store_user *users, int *n)
{
	h->n = 0;
	int rc = st->org_copy_holders(st->cls, key_id, collect_holder, h);
	*n = 0;
	for (int i = 0; rc == STORE_OK && i < h->n; i++) {
		struct store_user u;
		if (st->user_by_id(st->cls, h->ids[i], &u) == STORE_OK && !strcmp(u.role, "supervisor") &&
		    trust_is_reader(t, st, &u))
			users[(*n)++] = u;
	}
	return rc;
}

int orgkey_rotate(const struct trust *t, struct store *st)
{
	struct store_org_key old, k = { .created_at = (int64_t)time(NULL) };
	int rc = st->org_key_current(st->cls, &old);
	if (rc != STORE_OK)
		return rc == STORE_NONE ? STORE_OK : rc;
	struct holders h;
	struct store_user *users = calloc(64, sizeof *users);
	unsigned char *sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	int n = 0;
	if (!users || !sk) {
		free(users);
		sodium_free(sk);
		return STORE_ERR;
	}
	rc = valid_holders(t, st, old.id, &h, users, &n);
	crypto_random_id(k.id);
	crypto_box_keypair(k.pk, sk);
	rc = st->org_key_retire(st->cls, old.id, k.created_at);
	if (rc == STORE_OK)
		rc = st->org_key_insert(st->cls, &k);
	for (int i = 0; rc == STORE_OK && i < n; i++) {
		unsigned char sealed[SEALED_ORG_SK_BYTES];
		crypto_box_seal(sealed, sk, crypto_box_SECRETKEYBYTES, users[i].enc_pk);
		rc = st->org_copy_put(st->cls, k.id, users[i].id, sealed);
	}
	sodium_free(sk);
	free(users);
	return rc;
}

int orgkey_holders(const struct trust *t, struct store *st, int *n)
{
	struct store_org_key key;
	*n = 0;
	int rc = st->org_key_current(st->cls, &key);
	if (rc != STORE_OK)
		return rc == STORE_NONE ? STORE_OK : rc;
	struct holders h;
	struct store_user *users = calloc(64, sizeof *users);
	if (!users)
		return STORE_ERR;
	rc = valid_holders(t, st, key.id, &h, users, n);
	free(users);
	return rc;
}

struct signer_lookup {
	const struct trust *t;
	struct store *st;
};

/* A supervisor's current, certified signing key. An account whose key changed since it
 * signed (reset), or that is not a certified supervisor, cannot vouch either way: its
 * signatures are skipped (AUDIT_SIGNER_UNKNOWN), as if they were absent. */
static int supervisor_pk(void *arg, const char *user_id, unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	struct signer_lookup *l = arg;
	struct store_user u;
	if (l->st->user_by_id(l->st->cls, user_id, &u) != STORE_OK || strcmp(u.role, "supervisor") ||
	    !trust_chain_ok(l->t, l->st, &u))
		return AUDIT_SIGNER_UNKNOWN;
	memcpy(pk, u.sign_pk, crypto_sign_PUBLICKEYBYTES);
	return 0;
}

int trust_audit_verify(const struct trust *t, struct store *st, const struct instance_keys *keys,
                       struct audit_verdict *v)
{
	struct signer_lookup l = { t, st };
	return audit_verify(st, keys->audit_pk, supervisor_pk, &l, v);
}
