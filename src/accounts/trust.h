/* trust.h: who is a reader. A database row alone never makes one: a reader is an active
 * account whose certificate chain verifies up to the trust root, the first supervisor, whose
 * signing key is anchored in DATA/trust-root (outside the database). The organisation key is
 * sealed to confirmed supervisors only. */
#ifndef PELUIT_TRUST_H
#define PELUIT_TRUST_H

#include <stdatomic.h>
#include <stdbool.h>

#include "store/store.h"

struct trust {
	_Atomic bool present; /* false until the first supervisor exists; set after the fields */
	char root_id[ID_CHARS + 1];
	unsigned char root_pk[crypto_sign_PUBLICKEYBYTES];
};

/* Reads DATA/trust-root; absent is not an error (present = false). Once present, a trust
 * never changes, so a running server may call this again until it is. 0, or -1 with err. */
int trust_load(const char *data_dir, struct trust *t, char *err, size_t errlen);
/* Writes DATA/trust-root for the root user u (fails if it exists). 0, or -1 with err. */
int trust_write(const char *data_dir, const struct store_user *u, char *err, size_t errlen);

/* Whether u is a reader now: active, a reader role, and its certificate chain verifies to
 * the root (results cached per process). Reads signers from the store. */
bool trust_is_reader(const struct trust *t, struct store *st, const struct store_user *u);
/* Whether u's certificate chain verifies, whatever its state (for signers and audit). */
bool trust_chain_ok(const struct trust *t, struct store *st, const struct store_user *u);

/* ---- the organisation key ---- */

/* Creates the first organisation key, sealed to `root` only. Inside a transaction. */
int orgkey_create(struct store *st, const struct store_user *root);
/* Opens the current organisation secret key with a holder's secret keys into org_sk (32).
 * STORE_NONE when the user holds no copy. */
int orgkey_open(struct store *st, const struct store_user *holder, const unsigned char *holder_sk,
                unsigned char org_sk[crypto_box_SECRETKEYBYTES], struct store_org_key *key);
/* Seals the current organisation key (opened by `holder`) to `to`. STORE_NONE when the holder
 * holds no copy. Inside a transaction. */
int orgkey_share(struct store *st, const struct store_user *holder, const unsigned char *holder_sk,
                 const struct store_user *to);
/* Replaces the organisation key: a new key sealed to every remaining supervisor who holds the
 * current one and whose chain verifies. Inside a transaction. */
int orgkey_rotate(const struct trust *t, struct store *st);
/* After a rotation, re-seals up to `max` report keys from a retired organisation key to the
 * current one, with the secret keys of a supervisor who holds the retired key, and deletes
 * the retired key once nothing is sealed to it. *remaining: report keys still waiting (for
 * any supervisor). Each call is one short transaction. */
int orgkey_reseal(struct store *st, const struct store_user *holder, const unsigned char *holder_sk,
                  int max, int64_t *remaining);

/* Valid, active supervisors holding the current key. */
int orgkey_holders(const struct trust *t, struct store *st, int *n);

/* audit_verify with this instance's trust: the server key of `keys`, and the signing keys of
 * supervisors whose certificate chain verifies. Returns a store_rc. */
struct audit_verdict;
int trust_audit_verify(const struct trust *t, struct store *st, const struct instance_keys *keys,
                       struct audit_verdict *v);

#endif
