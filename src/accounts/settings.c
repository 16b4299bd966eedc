/* settings.c: the settings snapshot, its JSON form and validated, audited changes. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/settings.h"
#include "audit/audit.h"
#include "core/log.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct settings defaults, current;

void settings_init(const struct config *cfg)
{
	memset(&defaults, 0, sizeof defaults);
	snprintf(defaults.instance_name, sizeof defaults.instance_name, "%s", cfg->instance_name);
	defaults.max_files = cfg->max_files;
	defaults.max_file_bytes = cfg->max_file_bytes;
	defaults.max_message_chars = cfg->max_message_chars;
	defaults.ack_days = 7;
	defaults.resolve_days = 90;
	defaults.exclusion_enabled = true;
	pthread_mutex_lock(&mu);
	current = defaults;
	pthread_mutex_unlock(&mu);
}

void settings_get(struct settings *out)
{
	pthread_mutex_lock(&mu);
	*out = current;
	pthread_mutex_unlock(&mu);
}

unsigned settings_generation(void)
{
	pthread_mutex_lock(&mu);
	unsigned g = current.generation;
	pthread_mutex_unlock(&mu);
	return g;
}

json_t *settings_json(const struct settings *s)
{
	return json_pack("{s:s,s:{s:I,s:I,s:I},s:b,s:I,s:I,s:b,s:b}", "instance_name",
	                 s->instance_name, "limits", "max_files", (json_int_t)s->max_files,
	                 "max_file_bytes", (json_int_t)s->max_file_bytes, "max_message_chars",
	                 (json_int_t)s->max_message_chars, "require_totp_admin", s->require_totp_admin,
	                 "ack_days", (json_int_t)s->ack_days, "resolve_days",
	                 (json_int_t)s->resolve_days, "exclusion_enabled", s->exclusion_enabled,
	                 "require_totp_staff", s->require_totp_staff);
}

bool settings_totp_required(const struct settings *s, const char *role)
{
	return !strcmp(role, "admin") ? s->require_totp_admin : s->require_totp_staff;
}

/* ---- fields: owner, validation, application ---- */

enum kind { K_NAME, K_LIMITS, K_BOOL, K_DAYS };

static const struct field {
	const char *key, *owner;
	enum kind kind;
	size_t offset;
} fields[] = {
	{ "instance_name", "admin", K_NAME, offsetof(struct settings, instance_name) },
	{ "limits", "admin", K_LIMITS, 0 },
	{ "require_totp_admin", "admin", K_BOOL, offsetof(struct settings, require_totp_admin) },
	{ "ack_days", "supervisor", K_DAYS, offsetof(struct settings, ack_days) },
	{ "resolve_days", "supervisor", K_DAYS, offsetof(struct settings, resolve_days) },
	{ "exclusion_enabled", "supervisor", K_BOOL, offsetof(struct settings, exclusion_enabled) },
	{ "require_totp_staff", "supervisor", K_BOOL, offsetof(struct settings, require_totp_staff) },
};

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The member `key` of obj, or NULL when it is absent or null (null counts as absent). */
static const json_t *member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

/* Applies one JSON value to s. Returns NULL, or the name of the (sub)field at fault. */
static const char *apply(struct settings *s, const struct field *f, const json_t *v)
{
	char *base = (char *)s;
	switch (f->kind) {
	case K_NAME: {
		/* Trimmed first: lengths count after trimming (API.md). */
		const char *t = json_string_value(v);
		if (!t)
			return f->key;
		while (*t && strchr(" \t\r\n", *t))
			t++;
		size_t len = strlen(t);
		while (len && strchr(" \t\r\n", t[len - 1]))
			len--;
		char name[sizeof s->instance_name];
		if (len == 0 || len >= sizeof name)
			return f->key;
		memcpy(name, t, len);
		name[len] = '\0';
		size_t n = utf8_chars(name);
		if (n > 200 || strpbrk(name, "\r\n\t"))
			return f->key;
		memcpy(s->instance_name, name, len + 1);
		return NULL;
	}
	case K_BOOL:
		if (!json_is_boolean(v))
			return f->key;
		*(bool *)(base + f->offset) = json_is_true(v);
		return NULL;
	case K_DAYS:
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 3650)
			return f->key;
		*(unsigned *)(base + f->offset) = (unsigned)json_integer_value(v);
		return NULL;
	case K_LIMITS: {
		if (!json_is_object(v))
			return "limits";
		/* JSON conventions: a null member counts as absent, an unknown one is ignored. */
		const json_t *mf = member(v, "max_files"), *mb = member(v, "max_file_bytes"),
		             *mc = member(v, "max_message_chars");
		if (mf && (!json_is_integer(mf) || json_integer_value(mf) < 0 || json_integer_value(mf) > LIMIT_MAX_FILES))
			return "limits.max_files";
		if (mb && (!json_is_integer(mb) || json_integer_value(mb) < 1 ||
		           json_integer_value(mb) > (json_int_t)LIMIT_MAX_FILE_BYTES))
			return "limits.max_file_bytes";
		if (mc && (!json_is_integer(mc) || json_integer_value(mc) < LIMIT_MIN_MESSAGE_CHARS ||
		           json_integer_value(mc) > LIMIT_MAX_MESSAGE_CHARS))
			return "limits.max_message_chars";
		if (mf)
			s->max_files = (unsigned)json_integer_value(mf);
		if (mb)
			s->max_file_bytes = (uint64_t)json_integer_value(mb);
		if (mc)
			s->max_message_chars = (unsigned)json_integer_value(mc);
		return NULL;
	}
	}
	return f->key;
}

/* The stored JSON of one field of s. */
static json_t *field_json(const struct settings *s, const struct field *f)
{
	json_t *all = settings_json(s);
	json_t *v = json_incref(json_object_get(all, f->key));
	json_decref(all);
	return v;
}

int settings_refresh(struct store *st)
{
	struct settings s = defaults;
	char value[2048];
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		int rc = st->setting_get(st->cls, fields[i].key, value, sizeof value);
		if (rc == STORE_NONE)
			continue;
		if (rc != STORE_OK)
			return rc;
		json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
		if (!v || apply(&s, &fields[i], v) != NULL)
			log_error("settings: stored %s is not valid; using the default", fields[i].key);
		json_decref(v);
	}
	pthread_mutex_lock(&mu);
	s.generation = current.generation;
	if (memcmp(&s, &current, sizeof s) != 0)
		s.generation++;
	current = s;
	pthread_mutex_unlock(&mu);
	return STORE_OK;
}

struct patch {
	const json_t *body;
	const struct store_user *actor;
	struct settings next;
};

static int patch_tx(struct store *st, void *arg)
{
	struct patch *p = arg;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		if (!member(p->body, fields[i].key))
			continue;
		json_t *v = field_json(&p->next, &fields[i]);
		char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		json_decref(v);
		int rc = text ? st->setting_put(st->cls, fields[i].key, text) : STORE_ERR;
		if (rc == STORE_OK) {
			char detail[256];
			snprintf(detail, sizeof detail, "%s", text);
			rc = audit_append(st, &(struct audit_event){ AUDIT_SETTINGS_CHANGED, p->actor->id,
			                                             p->actor->username, fields[i].key,
			                                             detail });
		}
		free(text);
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

struct outcome settings_patch(struct store *st, const json_t *body, const struct store_user *actor,
                              enum lang lang)
{
	(void)lang;
	if (!json_is_object(body))
		return OUTCOME(ERR_INVALID_JSON, NULL, NULL);
	struct patch p = { .body = body, .actor = actor };
	settings_get(&p.next);
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)body, key, v) {
		const struct field *f = NULL;
		for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
			if (!strcmp(fields[i].key, key))
				f = &fields[i];
		if (!f || json_is_null(v)) /* unknown members are ignored, null ones are absent */
			continue;
		if (strcmp(f->owner, actor->role) != 0)
			return OUTCOME(ERR_FORBIDDEN, f->key, NULL);
		const char *bad = apply(&p.next, f, v);
		if (bad)
			return OUTCOME(ERR_INVALID_FIELD, bad, NULL);
	}
	if (p.next.ack_days > 365)
		return OUTCOME(ERR_INVALID_FIELD, "ack_days", NULL);
	if (p.next.resolve_days < p.next.ack_days)
		return OUTCOME(ERR_INVALID_FIELD, member(body, "resolve_days") ? "resolve_days"
		                                                                        : "ack_days", NULL);
	if (store_tx(st, patch_tx, &p) != STORE_OK || settings_refresh(st) != STORE_OK)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	return OUTCOME_OK;
}
