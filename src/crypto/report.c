/* report.c: bound ciphertexts, padded identities and receipts (see report.h). */
#include <string.h>

#include "crypto/report.h"

#define NPUB crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

/* Length-prefixed parts, so that no two bindings share an encoding. */
static size_t binding(unsigned char *ad, const char *report_id, const char *row_id,
                      const char *author, enum box_purpose purpose)
{
	static const char domain[] = "peluit-box-v1";
	const char *parts[] = { report_id ? report_id : "", row_id ? row_id : "",
	                        author ? author : "" };
	size_t n = sizeof domain;
	memcpy(ad, domain, sizeof domain);
	for (int i = 0; i < 3; i++) {
		size_t l = strnlen(parts[i], 64);
		ad[n++] = (unsigned char)l;
		memcpy(ad + n, parts[i], l);
		n += l;
	}
	ad[n++] = (unsigned char)purpose;
	return n;
}

void box_seal(unsigned char *out, const unsigned char *in, size_t n,
              const unsigned char key[RKEY_BYTES], const char *report_id, const char *row_id,
              const char *author, enum box_purpose purpose)
{
	unsigned char ad[256];
	size_t adlen = binding(ad, report_id, row_id, author, purpose);
	randombytes_buf(out, NPUB);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + NPUB, NULL, in, n, ad, adlen, NULL, out, key);
}

int box_open(unsigned char *out, const unsigned char *in, size_t n,
             const unsigned char key[RKEY_BYTES], const char *report_id, const char *row_id,
             const char *author, enum box_purpose purpose)
{
	unsigned char ad[256];
	if (n < BOX_OVERHEAD)
		return -1;
	size_t adlen = binding(ad, report_id, row_id, author, purpose);
	return crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, in + NPUB, n - NPUB, ad,
	                                                  adlen, in, key) == 0 ? 0 : -1;
}

int identity_pad(unsigned char out[IDENTITY_PADDED], const unsigned char *in, size_t n)
{
	size_t padded;
	if (n >= IDENTITY_PADDED)
		return -1;
	memcpy(out, in, n);
	return sodium_pad(&padded, out, n, IDENTITY_PADDED, IDENTITY_PADDED) == 0 &&
	       padded == IDENTITY_PADDED ? 0 : -1;
}

long identity_unpad(const unsigned char in[IDENTITY_PADDED])
{
	size_t n;
	return sodium_unpad(&n, in, IDENTITY_PADDED, IDENTITY_PADDED) == 0 ? (long)n : -1;
}

void receipt_new(char out[RECEIPT_DIGITS + 1])
{
	for (int i = 0; i < RECEIPT_DIGITS; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[RECEIPT_DIGITS] = '\0';
}

void receipt_display(const char receipt[RECEIPT_DIGITS + 1], char out[RECEIPT_DIGITS + 4])
{
	size_t o = 0;
	for (int i = 0; i < RECEIPT_DIGITS; i++) {
		if (i && i % 5 == 0)
			out[o++] = ' ';
		out[o++] = receipt[i];
	}
	out[o] = '\0';
}

int receipt_normalize(const char *typed, char out[RECEIPT_DIGITS + 1])
{
	int n = 0;
	for (; *typed; typed++) {
		if (*typed == ' ' || *typed == '-' || *typed == '\t')
			continue;
		if (*typed < '0' || *typed > '9' || n == RECEIPT_DIGITS)
			return -1;
		out[n++] = *typed;
	}
	out[n] = '\0';
	return n == RECEIPT_DIGITS ? 0 : -1;
}

int receipt_derive(const char receipt[RECEIPT_DIGITS + 1],
                   const unsigned char salt[RECEIPT_SALTBYTES], const unsigned char *pepper,
                   unsigned char lookup[32], unsigned char wrap[32])
{
	unsigned char *h = sodium_malloc(32);
	if (!h)
		return -1;
#ifdef PELUIT_BENCH_SEED
	/* Only in build/bench/peluit, with which bench/inbox.sh files 100,000 reports through the
	 * real submission path in minutes: the least Argon2id work. Never installed. */
	int rc = crypto_argon2id(h, 32, receipt, RECEIPT_DIGITS, salt, crypto_pwhash_OPSLIMIT_MIN,
	                         crypto_pwhash_MEMLIMIT_MIN);
#else
	int rc = crypto_argon2id(h, 32, receipt, RECEIPT_DIGITS, salt, 3, 64u << 20);
#endif
	if (rc == 0) {
		static const unsigned char lk[] = "peluit-receipt-lookup-v1", wk[] = "peluit-receipt-wrap-v1";
		crypto_generichash_state st;
		crypto_generichash_init(&st, pepper, 32, 32);
		crypto_generichash_update(&st, lk, sizeof lk);
		crypto_generichash_update(&st, h, 32);
		crypto_generichash_final(&st, lookup, 32);
		crypto_generichash_init(&st, pepper, 32, 32);
		crypto_generichash_update(&st, wk, sizeof wk);
		crypto_generichash_update(&st, h, 32);
		crypto_generichash_final(&st, wrap, 32);
	}
	sodium_free(h);
	return rc;
}
