/* tmpl.h: a small mustache-style template renderer over jansson values.
 *
 * Written here because Debian packages no C mustache library. Output is HTML-escaped by
 * default; the raw forms {{{name}}} and {{& name}} must be chosen explicitly.
 *
 * Syntax: {{name}}, {{a.b.c}}, {{.}} (escaped); {{{name}}}, {{& name}} (raw);
 * {{#name}}...{{/name}} (section: once per array item, once with an object pushed, once for
 * another truthy value); {{^name}}...{{/name}} (inverted: when missing, null, false, "", 0 or
 * an empty array); {{> partial}}; {{! comment}}. Delimiter changes are not supported.
 */
#ifndef PELUIT_TMPL_H
#define PELUIT_TMPL_H

#include <stddef.h>
#include <jansson.h>

struct tmpl_set;

/* A new, empty set of named templates. Returns NULL when out of memory. */
struct tmpl_set *tmpl_set_new(void);

/* Compiles `src` (`len` bytes, need not be NUL-terminated) and adds it as `name`.
 * Returns 0, or -1 with "name:line: what is wrong" in err when the template is malformed. */
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len,
                 char *err, size_t errlen);

/* Checks that every partial named by any template exists. Returns 0, or -1 with err set. */
int tmpl_set_check(const struct tmpl_set *set, char *err, size_t errlen);

/* Renders template `name` against `ctx`. Returns a malloc'd NUL-terminated string (its length
 * in *len when len is not NULL), or NULL with err set (unknown template, partials nested too
 * deep, out of memory). The caller frees the result. Safe to call from many threads at once. */
char *tmpl_render(const struct tmpl_set *set, const char *name, const json_t *ctx,
                  size_t *len, char *err, size_t errlen);

void tmpl_set_free(struct tmpl_set *set);

/* Appends `s` (n bytes) HTML-escaped to the growable buffer *buf (length *used, capacity
 * *cap). Escapes & < > " ' ` =. Returns 0, or -1 when out of memory. */
int tmpl_escape_html(char **buf, size_t *used, size_t *cap, const char *s, size_t n);

#endif
