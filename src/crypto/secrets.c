/* secrets.c: the instance secrets file (SECURITY.md "Instance secrets"): one random master
 * secret from which every per-purpose key is derived; 0600, kept apart from the database. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"

#define SECRETS_MAGIC "peluit-secrets-v1\n"

int secrets_create(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	unsigned char key[SECRETS_KEYBYTES];
	char hex[SECRETS_KEYBYTES * 2 + 2];
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	strcat(hex, "\n");
	sodium_memzero(key, sizeof key);
	int ok = write(fd, SECRETS_MAGIC, strlen(SECRETS_MAGIC)) == (ssize_t)strlen(SECRETS_MAGIC) &&
	         write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) && fsync(fd) == 0;
	sodium_memzero(hex, sizeof hex);
	if (close(fd) != 0 || !ok) {
		snprintf(err, errlen, "%s: could not write: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

int secrets_load(const char *path, unsigned char **master, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s (run 'peluit init' first)", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		close(fd);
		snprintf(err, errlen, "%s: readable by others; run: chmod 600 %s", path, path);
		return -1;
	}
	char buf[128];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	size_t magic = strlen(SECRETS_MAGIC);
	unsigned char *key = sodium_malloc(SECRETS_KEYBYTES);
	size_t got = 0;
	int rc = -1;
	if (key && n > (ssize_t)magic && memcmp(buf, SECRETS_MAGIC, magic) == 0) {
		buf[n] = '\0';
		rc = sodium_hex2bin(key, SECRETS_KEYBYTES, buf + magic, (size_t)n - magic, "\n", &got,
		                    NULL) == 0 && got == SECRETS_KEYBYTES ? 0 : -1;
	}
	sodium_memzero(buf, sizeof buf);
	if (rc != 0) {
		if (key)
			sodium_free(key);
		snprintf(err, errlen, "%s: not a Peluit secrets file", path);
		return -1;
	}
	*master = key;
	return 0;
}

int instance_keys_load(const char *path, struct instance_keys *k, char *err, size_t errlen)
{
	unsigned char *master;
	memset(k, 0, sizeof *k);
	if (secrets_load(path, &master, err, errlen) != 0)
		return -1;
	unsigned char *seed = sodium_malloc(crypto_sign_SEEDBYTES);
	k->audit_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	k->receipt_pepper = sodium_malloc(32);
	if (!seed || !k->audit_sk || !k->receipt_pepper) {
		sodium_free(master);
		sodium_free(seed);
		instance_keys_free(k);
		snprintf(err, errlen, "out of guarded memory");
		return -1;
	}
	crypto_kdf_derive_from_key(seed, crypto_sign_SEEDBYTES, SECRET_AUDIT_SIGNING, "instance",
	                           master);
	crypto_sign_seed_keypair(k->audit_pk, k->audit_sk, seed);
	crypto_kdf_derive_from_key(k->receipt_pepper, 32, SECRET_RECEIPT_PEPPER, "instance", master);
	sodium_free(seed);
	sodium_free(master);
	return 0;
}

void instance_keys_free(struct instance_keys *k)
{
	sodium_free(k->audit_sk); /* sodium_free wipes, and accepts NULL */
	sodium_free(k->receipt_pepper);
	k->audit_sk = k->receipt_pepper = NULL;
}
