/* keys.h: staff key material (SECURITY.md "Keys"): each user's X25519 and Ed25519 key pairs,
 * their secret keys wrapped under the password's key and a recovery key, reader
 * certificates, one-time activation codes, fingerprints and TOTP. libsodium and liboath. */
#ifndef PELUIT_KEYS_H
#define PELUIT_KEYS_H

#include "store/store.h"

/* Secret keys: enc_sk (32) followed by sign_sk (64), always in sodium_malloc memory. */
#define SK_ENC(sk) (sk)
#define SK_SIGN(sk) ((sk) + crypto_box_SECRETKEYBYTES)

/* A guarded buffer for a user's secret keys; NULL when out of guarded memory. */
unsigned char *sk_alloc(void);

/* New key pairs: public keys into u (has_keys set), secret keys into sk. */
void userkeys_generate(struct store_user *u, unsigned char *sk);

/* Wrapping purposes: the associated data names the purpose and the user, so a wrapped blob
 * cannot be moved to another user or used for another purpose. */
enum wrap_purpose { WRAP_PASSWORD, WRAP_RECOVERY, WRAP_SESSION };

void userkeys_wrap(unsigned char out[WRAPPED_SK_BYTES], const unsigned char *sk,
                   const unsigned char key[32], enum wrap_purpose p, const char *user_id);
/* Returns 0, or -1 when the key is wrong or the blob was changed. */
int userkeys_unwrap(unsigned char *sk, const unsigned char in[WRAPPED_SK_BYTES],
                    const unsigned char key[32], enum wrap_purpose p, const char *user_id);

/* Recovery keys: 20 random bytes shown as 8 groups of 4 base32 letters (A-Z, 2-7). */
#define RECOVERY_CHARS 39
void recovery_new(char text[RECOVERY_CHARS + 1], unsigned char key[32], const char *user_id);
/* The wrapping key of a typed recovery key (case, spaces and dashes ignored). 0 or -1. */
int recovery_key(const char *typed, const char *user_id, unsigned char key[32]);

/* Activation codes: 16 letters and digits (no I, O, 0, 1) in groups of 4; stored as a hash. */
#define ACTIVATION_CHARS 19
#define ACTIVATION_SECONDS (7 * 24 * 3600)
void activation_new(char text[ACTIVATION_CHARS + 1], unsigned char hash[32]);
/* The hash of a typed code (case, spaces and dashes ignored). 0, or -1 when malformed. */
int activation_hash(const char *typed, unsigned char hash[32]);

/* "ABCD EF01 …": 10 groups of 4 hex digits over both public keys. */
#define FINGERPRINT_CHARS 49
void key_fingerprint(const struct store_user *u, char out[FINGERPRINT_CHARS + 1]);

/* Certificates: a supervisor's signature over (user id, role, both public keys, date). */
void cert_sign(struct store_user *u, const char *signer_id,
               const unsigned char signer_sign_sk[crypto_sign_SECRETKEYBYTES], int64_t at);
/* 0 when u's certificate is signed by the holder of signer_pk, else -1. */
int cert_check(const struct store_user *u, const unsigned char signer_pk[crypto_sign_PUBLICKEYBYTES]);

/* TOTP (RFC 6238, SHA-1, 6 digits, 30 s, ±1 step). */
void totp_new(unsigned char secret[TOTP_SECRET_BYTES]);
/* 0 when `code` is valid at `now`, else -1. */
int totp_check(const unsigned char secret[TOTP_SECRET_BYTES], const char *code, int64_t now);
/* Base32 (RFC 4648, no padding) of a secret, for authenticator apps; out needs 33 bytes. */
void totp_base32(const unsigned char secret[TOTP_SECRET_BYTES], char out[33]);
/* The QR code of `text` as an SVG document (malloc'd), or NULL. */
char *qr_svg(const char *text);

#endif
