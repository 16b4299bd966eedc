/* report.h: the cryptography of a report (SECURITY.md "Keys": Report, Ciphertexts, Receipt,
 * Files). Three random keys per report: K_report (content, messages, file keys and names),
 * K_notes (internal notes and reasons) and K_identity (phone, name, email). Every ciphertext
 * is bound by its associated data to the report, the row, the author kind and the purpose,
 * so none can be moved, replayed or re-attributed. */
#ifndef PELUIT_REPORT_CRYPTO_H
#define PELUIT_REPORT_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define RKEY_BYTES 32
#define SEALED_RKEY_BYTES (crypto_box_SEALBYTES + RKEY_BYTES)
#define BOX_OVERHEAD (crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + \
                      crypto_aead_xchacha20poly1305_ietf_ABYTES)

/* What a ciphertext is; part of its associated data. */
enum box_purpose {
	BOX_CONTENT,   /* the report's content */
	BOX_IDENTITY,  /* the reporter's identity (padded) */
	BOX_MESSAGE,   /* a message in the thread */
	BOX_NOTE,      /* an internal note */
	BOX_REASON,    /* a status change's internal reason */
	BOX_FILE_KEY,  /* a file's stream key */
	BOX_FILE_META, /* a file's name, type and what was removed */
	BOX_REPORTER,  /* the reporter's copy of K_report and K_identity */
	BOX_EXCLUSIONS /* who the reporter excluded */
};

/* Encrypts `n` bytes into out (n + BOX_OVERHEAD bytes) under `key`, bound to the report id,
 * the row id, the author kind ("reporter", "staff", "system" or "") and the purpose. */
void box_seal(unsigned char *out, const unsigned char *in, size_t n,
              const unsigned char key[RKEY_BYTES], const char *report_id, const char *row_id,
              const char *author, enum box_purpose purpose);
/* Decrypts `n` bytes (n - BOX_OVERHEAD plaintext bytes into out). 0, or -1 when the key,
 * the binding or the bytes are wrong. */
int box_open(unsigned char *out, const unsigned char *in, size_t n,
             const unsigned char key[RKEY_BYTES], const char *report_id, const char *row_id,
             const char *author, enum box_purpose purpose);

/* ---- identity: padded so that its length says nothing ---- */

#define IDENTITY_PADDED 1024
#define SEALED_IDENTITY_BYTES (IDENTITY_PADDED + BOX_OVERHEAD)

/* Pads `n` bytes to IDENTITY_PADDED (ISO/IEC 7816-4). Returns 0, or -1 when too long. */
int identity_pad(unsigned char out[IDENTITY_PADDED], const unsigned char *in, size_t n);
/* The unpadded length, or -1 when the padding is broken. */
long identity_unpad(const unsigned char in[IDENTITY_PADDED]);

/* ---- receipts ---- */

#define RECEIPT_DIGITS 20
#define RECEIPT_SALTBYTES crypto_pwhash_SALTBYTES

/* 20 uniformly random digits (about 66 bits). */
void receipt_new(char out[RECEIPT_DIGITS + 1]);
/* "12345 67890 12345 67890". */
void receipt_display(const char receipt[RECEIPT_DIGITS + 1], char out[RECEIPT_DIGITS + 4]);
/* The 20 digits of a typed receipt (spaces and dashes ignored). 0, or -1 when malformed. */
int receipt_normalize(const char *typed, char out[RECEIPT_DIGITS + 1]);

/* Argon2id (opslimit 3, memlimit 64 MiB, under the semaphore) with the instance salt, then
 * keyed BLAKE2b with the pepper: the lookup value (stored, unique) and the key that wraps the
 * reporter's copies of the report keys. A wrong receipt costs exactly the same. 0 or -1. */
int receipt_derive(const char receipt[RECEIPT_DIGITS + 1],
                   const unsigned char salt[RECEIPT_SALTBYTES], const unsigned char *pepper,
                   unsigned char lookup[32], unsigned char wrap[32]);

/* ---- file streams: crypto_secretstream in fixed-size chunks ---- */

#define FILE_CHUNK 65536
#define FILE_HEADERBYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define FILE_CHUNK_OVERHEAD crypto_secretstream_xchacha20poly1305_ABYTES

#endif
