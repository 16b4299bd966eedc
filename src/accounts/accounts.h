/* accounts.h: what staff accounts can do, shared by the JSON API, the pages and the command
 * line: passwords and key pairs, login, activation, recovery, second factor, creation,
 * disabling, reset and confirmation. Every act writes its audit entry in its transaction.
 * Secret keys (SK_BYTES) are always in sodium_malloc memory owned by the caller. */
#ifndef PELUIT_ACCOUNTS_H
#define PELUIT_ACCOUNTS_H

#include <jansson.h>

#include "accounts/trust.h"
#include "core/errors.h"
#include "crypto/keys.h"
#include "store/store.h"

/* The password rules, as an invalid_field outcome naming `field`, or OUTCOME_OK. */
struct outcome account_password_rules(const char *password, const char *username, enum lang lang,
                                      const char *field);

/* Gives u a password and new key pairs: salt, verifier, secret keys wrapped under the
 * password's key and under a new recovery key (its text in `recovery`). The secret keys are
 * left in sk. Runs Argon2id. Returns 0 or -1. */
int account_new_keys(struct store_user *u, const char *password, unsigned char *sk,
                     char recovery[RECOVERY_CHARS + 1]);

/* Checks username, password and second factor. On success fills *u and the secret keys sk.
 * Failures: 401 unauthenticated (one message), totp_required, totp_invalid; 429 rate_limited
 * with *retry_after set; 503. Records failures in the audit trail. */
struct outcome account_login(struct store *st, const char *username, const char *password,
                             const char *totp, struct store_user *u, unsigned char *sk,
                             unsigned *retry_after);

/* POST /staff/activate: the recovery key's text in `recovery`. */
struct outcome account_activate(struct store *st, const char *username, const char *code,
                                const char *password, enum lang lang,
                                char recovery[RECOVERY_CHARS + 1]);

/* POST /staff/recover: a new password, same key pair; the user's sessions end. */
struct outcome account_recover(struct store *st, const char *username, const char *recovery,
                               const char *password, const char *totp, enum lang lang,
                               unsigned *retry_after);

/* POST /staff/me/password. */
struct outcome account_change_password(struct store *st, struct store_user *u,
                                       const unsigned char *sk, const char *old_pw,
                                       const char *new_pw, enum lang lang);

/* TOTP enrolment: a new pending secret (its base32 in secret, the otpauth URI in uri). */
struct outcome account_totp_begin(struct store *st, struct store_user *u, const char *issuer,
                                  char secret[33], char uri[512]);
struct outcome account_totp_confirm(struct store *st, struct store_user *u,
                                    const unsigned char *sk, const char *code);
struct outcome account_totp_disable(struct store *st, struct store_user *u,
                                    const unsigned char *sk, const char *code);

/* An account awaiting activation (admin API, or the command line without a password). */
struct outcome account_create(struct store *st, const struct store_user *actor,
                              const char *username, const char *name, const char *role,
                              struct store_user *created, char code[ACTIVATION_CHARS + 1]);

/* Disables or enables. Disabling ends sessions and deletes every key copy sealed to the user
 * (rotating the organisation key for a supervisor); enabling leaves a reader pending
 * confirmation again. */
struct outcome account_set_disabled(struct store *st, const struct trust *t,
                                    const struct store_user *actor, const char *id, bool disabled,
                                    struct store_user *out);

/* Wipes the keys and gives a new activation code; sessions end. */
struct outcome account_reset(struct store *st, const struct trust *t, const struct store_user *actor,
                             const char *id, char code[ACTIVATION_CHARS + 1]);

/* A supervisor (actor, with secret keys) confirms or refuses a pending account. */
struct outcome account_confirm(struct store *st, const struct trust *t,
                               const struct store_user *actor, const unsigned char *actor_sk,
                               const char *id, bool confirm, struct store_user *out);

/* "activation", "pending", "confirmed", "refused" or "disabled". */
const char *account_state(const struct trust *t, struct store *st, const struct store_user *u);
/* The admin's view of an account. */
json_t *account_item_json(const struct trust *t, struct store *st, const struct store_user *u);
/* <me> of API.md, with totp_setup_required and warnings. */
json_t *account_me_json(const struct trust *t, struct store *st, const struct store_user *u,
                        bool totp_setup_required);

#endif
