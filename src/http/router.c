/* router.c: matching a path and method against the one static route table. Pure: no I/O. */
#include <stdio.h>
#include <string.h>

#include "http/http.h"

static const struct {
	enum method m;
	const char *name;
} methods[] = {
	{ M_GET, "GET" }, { M_HEAD, "HEAD" }, { M_POST, "POST" },
	{ M_PUT, "PUT" }, { M_PATCH, "PATCH" }, { M_DELETE, "DELETE" },
};

enum method router_method(const char *name)
{
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
		if (strcmp(name, methods[i].name) == 0)
			return methods[i].m;
	return 0;
}

const char *router_method_name(enum method m)
{
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
		if (m == methods[i].m)
			return methods[i].name;
	return "OTHER";
}

void router_allow(unsigned mask, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	if (mask & M_GET)
		mask |= M_HEAD; /* HEAD is answered wherever GET is */
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
		if (mask & methods[i].m) {
			int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", methods[i].name);
			if (n < 0 || (size_t)n >= len - used)
				return;
			used += (size_t)n;
		}
}

/* Matches one pattern; fills params on success. */
static bool match_pattern(const char *pat, const char *path, struct route_match *m)
{
	int np = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			const char *end = strchr(path, '/');
			if (!end)
				end = path + strlen(path);
			if (!close || end == path || np == PARAMS_MAX)
				return false;
			m->params[np].start = path;
			m->params[np++].len = (size_t)(end - path);
			pat = close + 1;
			path = end;
		} else if (*pat++ != *path++) {
			return false;
		}
	}
	if (*pat || *path)
		return false;
	m->nparams = np;
	return true;
}

void router_match(const struct route *table, const char *path, enum method method,
                  struct route_match *m)
{
	struct route_match tmp;
	memset(m, 0, sizeof *m);
	for (const struct route *r = table; r->pattern; r++) {
		memset(&tmp, 0, sizeof tmp);
		if (!match_pattern(r->pattern, path, &tmp))
			continue;
		m->allowed |= r->methods;
		if (!m->pattern)
			m->pattern = r->pattern;
		unsigned accepts = r->methods | ((r->methods & M_GET) ? M_HEAD : 0);
		if ((accepts & method) && !m->route) {
			m->route = r;
			m->nparams = tmp.nparams;
			memcpy(m->params, tmp.params, sizeof m->params);
		}
	}
}
