/* crypto.h: every cryptographic operation of Peluit, on libsodium only. */
#ifndef PELUIT_CRYPTO_H
#define PELUIT_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

/* Initializes libsodium and the Argon2id semaphore (`slots` computations at once, normally
 * one per core). Returns 0 or -1. Call once, before any thread starts. */
int crypto_init(unsigned slots);

/* ---- instance secrets (DATA/secrets, 0600) ---- */

#define SECRETS_KEYBYTES 32

/* Derivation ids of the subkeys of the instance master secret; never reuse one for two
 * purposes (SECURITY.md, "Keys"). */
enum secret_purpose {
	SECRET_RECEIPT_PEPPER = 1,
	SECRET_AUDIT_SIGNING = 2,
};

/* Creates the secrets file at `path` with a fresh random master secret; fails if it exists.
 * Returns 0, or -1 with err set. */
int secrets_create(const char *path, char *err, size_t errlen);

/* Loads the master secret into guarded memory (*master, SECRETS_KEYBYTES bytes; free with
 * sodium_free). Refuses a file readable by others. Returns 0, or -1 with err set. */
int secrets_load(const char *path, unsigned char **master, char *err, size_t errlen);

/* The per-purpose keys of an instance, derived from the master secret. Secret parts live in
 * guarded memory. */
struct instance_keys {
	unsigned char *audit_sk;                             /* Ed25519, 64 bytes */
	unsigned char audit_pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char *receipt_pepper;                       /* 32 bytes */
};

/* Loads the secrets file and derives the instance keys. Returns 0, or -1 with err set. */
int instance_keys_load(const char *path, struct instance_keys *k, char *err, size_t errlen);
void instance_keys_free(struct instance_keys *k);

/* ---- passwords (SECURITY.md: one Argon2id run yields verifier and key-encryption key) ---- */

#define PW_SALTBYTES crypto_pwhash_SALTBYTES
#define PW_KEYBYTES 32

/* Parameter versions: stored beside each salt so they can be raised later. */
enum pw_version { PW_V1_MODERATE = 1 };
#define PW_CURRENT PW_V1_MODERATE

/* Runs Argon2id over `password` with `salt` and the parameters of `version` under the
 * semaphore, and derives the login verifier and the key-encryption key from its output
 * through separate subkeys. Returns 0, or -1 (unknown version, out of memory). */
int password_derive(const char *password, const unsigned char salt[PW_SALTBYTES], int version,
                    unsigned char verifier[PW_KEYBYTES], unsigned char kek[PW_KEYBYTES]);

/* Argon2id under the semaphore, for every caller (passwords, receipts). Returns 0 or -1. */
int crypto_argon2id(unsigned char *out, size_t outlen, const char *in, size_t inlen,
                    const unsigned char salt[crypto_pwhash_SALTBYTES],
                    unsigned long long opslimit, size_t memlimit);

/* ---- identifiers and tokens ---- */

#define ID_CHARS 22    /* 16 random bytes, base64url without padding */
#define TOKEN_CHARS 43 /* 32 random bytes, base64url without padding */

/* An opaque random id (never a row number), NUL-terminated in out[ID_CHARS + 1]. */
void crypto_random_id(char out[ID_CHARS + 1]);

/* A random password of `len` characters from an unambiguous alphabet. */
void crypto_random_password(char *out, size_t len);

/* Base64url without padding; returns 0, or -1 when `out` is too small. */
int crypto_b64(char *out, size_t outlen, const unsigned char *bin, size_t binlen);
/* Decodes base64url without padding into exactly `binlen` bytes. Returns 0 or -1. */
int crypto_unb64(unsigned char *bin, size_t binlen, const char *in);

/* ---- sessions: the token is the key material; the server keeps only derived values ---- */

#define SESSION_TOKEN_BYTES 32
#define SESSION_LOOKUP_BYTES 32

/* Subkeys of a session token: the lookup value stored in the database, the CSRF value sent
 * to the client, and (later) the key that wraps the session's secrets. */
enum session_subkey { SESSION_LOOKUP = 1, SESSION_CSRF = 2, SESSION_WRAP = 3 };

void session_subkey(unsigned char out[32], enum session_subkey which,
                    const unsigned char token[SESSION_TOKEN_BYTES]);

/* The CSRF string of a token (base64url of its CSRF subkey), in out[TOKEN_CHARS + 1]. */
void session_csrf(char out[TOKEN_CHARS + 1], const unsigned char token[SESSION_TOKEN_BYTES]);

/* Constant-time equality of two NUL-terminated strings of public length. */
bool crypto_str_equal(const char *a, const char *b);

#endif
