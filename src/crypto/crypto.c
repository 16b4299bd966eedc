/* crypto.c: libsodium set-up, the Argon2id semaphore, ids, tokens and session subkeys. */
#include <oath.h>
#include <semaphore.h>
#include <string.h>

#include "crypto/crypto.h"

static sem_t argon_slots;

int crypto_init(unsigned slots)
{
	if (sodium_init() < 0 || oath_init() != OATH_OK)
		return -1;
	return sem_init(&argon_slots, 0, slots ? slots : 1);
}

int crypto_argon2id(unsigned char *out, size_t outlen, const char *in, size_t inlen,
                    const unsigned char salt[crypto_pwhash_SALTBYTES],
                    unsigned long long opslimit, size_t memlimit)
{
	/* One computation per slot bounds memory and leaves cores for everything else. */
	while (sem_wait(&argon_slots) != 0)
		;
	int rc = crypto_pwhash(out, outlen, in, inlen, salt, opslimit, memlimit,
	                       crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&argon_slots);
	return rc;
}

int password_derive(const char *password, const unsigned char salt[PW_SALTBYTES], int version,
                    unsigned char verifier[PW_KEYBYTES], unsigned char kek[PW_KEYBYTES])
{
	if (version != PW_V1_MODERATE)
		return -1;
	unsigned char *master = sodium_malloc(crypto_kdf_KEYBYTES);
	if (!master)
		return -1;
	int rc = crypto_argon2id(master, crypto_kdf_KEYBYTES, password, strlen(password), salt,
	                         crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE);
	if (rc == 0) {
		crypto_kdf_derive_from_key(verifier, PW_KEYBYTES, 1, "pwverify", master);
		crypto_kdf_derive_from_key(kek, PW_KEYBYTES, 2, "pwkek___", master);
	}
	sodium_free(master);
	return rc;
}

int crypto_b64(char *out, size_t outlen, const unsigned char *bin, size_t binlen)
{
	size_t need = sodium_base64_ENCODED_LEN(binlen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (outlen < need)
		return -1;
	sodium_bin2base64(out, outlen, bin, binlen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int crypto_unb64(unsigned char *bin, size_t binlen, const char *in)
{
	size_t got;
	const char *end;
	if (sodium_base642bin(bin, binlen, in, strlen(in), NULL, &got, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return got == binlen && *end == '\0' ? 0 : -1;
}

void crypto_random_id(char out[ID_CHARS + 1])
{
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	crypto_b64(out, ID_CHARS + 1, raw, sizeof raw);
}

void crypto_random_password(char *out, size_t len)
{
	/* No 0/O, 1/l/I: passwords are read off a terminal and typed by hand. */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[len] = '\0';
}

void session_subkey(unsigned char out[32], enum session_subkey which,
                    const unsigned char token[SESSION_TOKEN_BYTES])
{
	crypto_kdf_derive_from_key(out, 32, which, "session_", token);
}

void session_csrf(char out[TOKEN_CHARS + 1], const unsigned char token[SESSION_TOKEN_BYTES])
{
	unsigned char k[32];
	session_subkey(k, SESSION_CSRF, token);
	crypto_b64(out, TOKEN_CHARS + 1, k, sizeof k);
	sodium_memzero(k, sizeof k);
}

bool crypto_str_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}
