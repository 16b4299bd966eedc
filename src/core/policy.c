/* policy.c: account rules behind policy.h. */
#include <string.h>
#include <strings.h>

#include "core/assets.h"
#include "core/policy.h"

bool policy_username_valid(const char *u)
{
	size_t n = strlen(u);
	return n >= 3 && n <= 64 && strspn(u, "abcdefghijklmnopqrstuvwxyz0123456789.-_") == n;
}

bool policy_role_valid(const char *role)
{
	static const char *const roles[] = { "admin", "investigator", "supervisor", "leader" };
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
		if (!strcmp(role, roles[i]))
			return true;
	return false;
}

/* Code points of a UTF-8 string, or -1 when it is not valid UTF-8 (overlongs, surrogates and
 * values past U+10FFFF included). */
static long utf8_count(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	while (*p) {
		unsigned c = *p, len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!len)
			return -1;
		unsigned cp = len == 1 ? c : c & (0x7F >> len);
		for (unsigned i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		static const unsigned min[] = { 0, 0, 0x80, 0x800, 0x10000 };
		if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		p += len;
		n++;
	}
	return n;
}

bool policy_name_valid(const char *name)
{
	long n = utf8_count(name);
	if (n < 1 || n > 200)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return false;
	return true;
}

/* Whether the password is in web/data/common-passwords.txt (case ignored). */
static bool is_common(const char *password)
{
	const struct asset *a = asset_find("data/common-passwords.txt");
	size_t n = strlen(password);
	const char *p = a ? (const char *)a->data : "";
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (*p != '#' && len == n && strncasecmp(p, password, n) == 0)
			return true;
		p += len + (eol != NULL);
	}
	return false;
}

const char *policy_password_problem(const char *password, const char *username, enum lang lang)
{
	long n = utf8_count(password);
	if (n < 0)
		return lang == LANG_EN ? "the password is not valid UTF-8 text"
		                       : "kata sandi bukan teks UTF-8 yang valid";
	if (n < 12)
		return lang == LANG_EN ? "use at least 12 characters"
		                       : "gunakan sedikitnya 12 karakter";
	if (!strcasecmp(password, username))
		return lang == LANG_EN ? "the password must not be the username"
		                       : "kata sandi tidak boleh sama dengan nama pengguna";
	if (is_common(password))
		return lang == LANG_EN ? "this password is too common; choose another"
		                       : "kata sandi ini terlalu umum; pilih yang lain";
	return NULL;
}
