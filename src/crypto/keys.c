/* keys.c: staff key pairs, wrapping, recovery and activation codes, certificates, TOTP. */
#include <ctype.h>
#include <oath.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/keys.h"

unsigned char *sk_alloc(void)
{
	return sodium_malloc(SK_BYTES);
}

void userkeys_generate(struct store_user *u, unsigned char *sk)
{
	crypto_box_keypair(u->enc_pk, SK_ENC(sk));
	crypto_sign_keypair(u->sign_pk, SK_SIGN(sk));
	u->has_keys = true;
}

static size_t wrap_ad(unsigned char *ad, enum wrap_purpose p, const char *user_id)
{
	static const char *const purposes[] = { "peluit-sk-password-v1|", "peluit-sk-recovery-v1|",
	                                        "peluit-sk-session-v1|" };
	size_t a = strlen(purposes[p]), b = strlen(user_id);
	memcpy(ad, purposes[p], a);
	memcpy(ad + a, user_id, b);
	return a + b;
}

void userkeys_wrap(unsigned char out[WRAPPED_SK_BYTES], const unsigned char *sk,
                   const unsigned char key[32], enum wrap_purpose p, const char *user_id)
{
	unsigned char ad[96];
	size_t adlen = wrap_ad(ad, p, user_id);
	unsigned char *nonce = out;
	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	                                           NULL, sk, SK_BYTES, ad, adlen, NULL, nonce, key);
}

int userkeys_unwrap(unsigned char *sk, const unsigned char in[WRAPPED_SK_BYTES],
                    const unsigned char key[32], enum wrap_purpose p, const char *user_id)
{
	unsigned char ad[96];
	size_t adlen = wrap_ad(ad, p, user_id);
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
		sk, NULL, NULL, in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		WRAPPED_SK_BYTES - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, ad, adlen, in, key);
}

/* ---- base32 (RFC 4648) ---- */

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static void base32(const unsigned char *in, size_t n, char *out)
{
	unsigned buf = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			*out++ = B32[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		*out++ = B32[(buf << (5 - bits)) & 31];
	*out = '\0';
}

/* Upper-cases `typed` without spaces and dashes into out (at most len-1 chars). -1 if longer. */
static int normalize(const char *typed, char *out, size_t len)
{
	size_t n = 0;
	for (; *typed; typed++) {
		if (*typed == ' ' || *typed == '-' || *typed == '\t')
			continue;
		if (n + 1 >= len)
			return -1;
		out[n++] = (char)toupper((unsigned char)*typed);
	}
	out[n] = '\0';
	return 0;
}

/* Inserts a dash after every 4 characters. */
static void group4(const char *in, char *out)
{
	for (size_t i = 0; in[i]; i++) {
		if (i && i % 4 == 0)
			*out++ = '-';
		*out++ = in[i];
	}
	*out = '\0';
}

/* ---- recovery keys ---- */

#define RECOVERY_BYTES 20

static void recovery_derive(const unsigned char raw[RECOVERY_BYTES], const char *user_id,
                            unsigned char key[32])
{
	static const char domain[] = "peluit-recovery-v1|";
	crypto_generichash_state h;
	crypto_generichash_init(&h, raw, RECOVERY_BYTES, 32);
	crypto_generichash_update(&h, (const unsigned char *)domain, sizeof domain - 1);
	crypto_generichash_update(&h, (const unsigned char *)user_id, strlen(user_id));
	crypto_generichash_final(&h, key, 32);
}

void recovery_new(char text[RECOVERY_CHARS + 1], unsigned char key[32], const char *user_id)
{
	unsigned char raw[RECOVERY_BYTES];
	char plain[33];
	randombytes_buf(raw, sizeof raw);
	base32(raw, sizeof raw, plain);
	group4(plain, text);
	recovery_derive(raw, user_id, key);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(plain, sizeof plain);
}

int recovery_key(const char *typed, const char *user_id, unsigned char key[32])
{
	char plain[40];
	unsigned char raw[RECOVERY_BYTES];
	if (normalize(typed, plain, sizeof plain) != 0 || strlen(plain) != 32)
		return -1;
	unsigned buf = 0;
	int bits = 0;
	size_t n = 0;
	for (const char *p = plain; *p; p++) {
		const char *c = strchr(B32, *p);
		if (!c)
			return -1;
		buf = (buf << 5) | (unsigned)(c - B32);
		bits += 5;
		if (bits >= 8) {
			raw[n++] = (unsigned char)(buf >> (bits - 8));
			bits -= 8;
		}
	}
	recovery_derive(raw, user_id, key);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(plain, sizeof plain);
	return 0;
}

/* ---- activation codes ---- */

static const char ACT[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static void activation_digest(const char *plain, unsigned char hash[32])
{
	static const unsigned char key[crypto_generichash_KEYBYTES] = "peluit-activation-code-v1";
	crypto_generichash(hash, 32, (const unsigned char *)plain, strlen(plain), key, sizeof key);
}

void activation_new(char text[ACTIVATION_CHARS + 1], unsigned char hash[32])
{
	char plain[17];
	for (int i = 0; i < 16; i++)
		plain[i] = ACT[randombytes_uniform(sizeof ACT - 1)];
	plain[16] = '\0';
	group4(plain, text);
	activation_digest(plain, hash);
}

int activation_hash(const char *typed, unsigned char hash[32])
{
	char plain[24];
	if (normalize(typed, plain, sizeof plain) != 0 || strlen(plain) != 16 ||
	    strspn(plain, ACT) != 16)
		return -1;
	activation_digest(plain, hash);
	return 0;
}

/* ---- fingerprints and certificates ---- */

void key_fingerprint(const struct store_user *u, char out[FINGERPRINT_CHARS + 1])
{
	unsigned char h[20];
	char hex[41];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, u->enc_pk, sizeof u->enc_pk);
	crypto_generichash_update(&st, u->sign_pk, sizeof u->sign_pk);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	char *o = out;
	for (int i = 0; i < 40; i++) {
		if (i && i % 4 == 0)
			*o++ = ' ';
		*o++ = (char)toupper((unsigned char)hex[i]);
	}
	*o = '\0';
}

/* The signed bytes: a domain, then length-prefixed id, role, both keys, signer and date. */
static size_t cert_message(unsigned char *m, const struct store_user *u, const char *signer,
                           int64_t at)
{
	static const char domain[] = "peluit-cert-v1";
	size_t n = 0;
	const char *parts[] = { u->id, u->role, signer };
	memcpy(m, domain, sizeof domain);
	n += sizeof domain;
	for (int i = 0; i < 3; i++) {
		size_t l = strlen(parts[i]);
		m[n++] = (unsigned char)l;
		memcpy(m + n, parts[i], l);
		n += l;
	}
	memcpy(m + n, u->enc_pk, sizeof u->enc_pk);
	n += sizeof u->enc_pk;
	memcpy(m + n, u->sign_pk, sizeof u->sign_pk);
	n += sizeof u->sign_pk;
	for (int i = 7; i >= 0; i--)
		m[n + (size_t)(7 - i)] = (unsigned char)((uint64_t)at >> (i * 8));
	return n + 8;
}

void cert_sign(struct store_user *u, const char *signer_id,
               const unsigned char signer_sign_sk[crypto_sign_SECRETKEYBYTES], int64_t at)
{
	unsigned char m[256];
	size_t n = cert_message(m, u, signer_id, at);
	crypto_sign_detached(u->cert_sig, NULL, m, n, signer_sign_sk);
	snprintf(u->cert_signer, sizeof u->cert_signer, "%s", signer_id);
	u->cert_at = at;
	u->has_cert = true;
}

int cert_check(const struct store_user *u, const unsigned char signer_pk[crypto_sign_PUBLICKEYBYTES])
{
	if (!u->has_cert || !u->has_keys)
		return -1;
	unsigned char m[256];
	size_t n = cert_message(m, u, u->cert_signer, u->cert_at);
	return crypto_sign_verify_detached(u->cert_sig, m, n, signer_pk) == 0 ? 0 : -1;
}

/* ---- TOTP ---- */

void totp_new(unsigned char secret[TOTP_SECRET_BYTES])
{
	randombytes_buf(secret, TOTP_SECRET_BYTES);
}

int totp_check(const unsigned char secret[TOTP_SECRET_BYTES], const char *code, int64_t now)
{
	if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return -1;
	int rc = oath_totp_validate((const char *)secret, TOTP_SECRET_BYTES, (time_t)now, 30, 0, 1,
	                            code);
	return rc >= 0 ? 0 : -1;
}

void totp_base32(const unsigned char secret[TOTP_SECRET_BYTES], char out[33])
{
	base32(secret, TOTP_SECRET_BYTES, out);
}

char *qr_svg(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return NULL;
	int w = qr->width, quiet = 4, size = w + 2 * quiet;
	/* One path of 1×1 squares; about 20 bytes per dark module. */
	size_t cap = (size_t)w * (size_t)w * 20 + 512, used = 0;
	char *svg = malloc(cap);
	if (svg) {
		used += (size_t)snprintf(svg, cap,
		                         "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		                         "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\" "
		                         "role=\"img\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		                         "<path fill=\"#000\" d=\"",
		                         size, size, size * 6, size * 6, size, size);
		for (int y = 0; y < w; y++)
			for (int x = 0; x < w; x++)
				if (qr->data[y * w + x] & 1)
					used += (size_t)snprintf(svg + used, cap - used, "M%d %dh1v1h-1z",
					                         x + quiet, y + quiet);
		snprintf(svg + used, cap - used, "\"/></svg>");
	}
	QRcode_free(qr);
	return svg;
}
