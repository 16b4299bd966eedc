/* store.c: choosing a backend by URL, and the one transaction-retry helper. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/assets.h"
#include "store/backend.h"
#include "store/store.h"

struct store *store_open(const char *url, const char *data_dir, bool create,
                         char *err, size_t errlen)
{
	char path[4200];
	if (url == NULL || url[0] == '\0') {
		if (snprintf(path, sizeof path, "%s/peluit.db", data_dir) >= (int)sizeof path) {
			snprintf(err, errlen, "data directory path too long");
			return NULL;
		}
		return store_sqlite_open(path, create, err, errlen);
	}
	if (strncmp(url, "sqlite:", 7) == 0 && url[7] != '\0')
		return store_sqlite_open(url + 7, create, err, errlen);
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return store_pg_open(url, err, errlen);
	snprintf(err, errlen, "unsupported database URL (use sqlite:PATH, postgresql://…, or leave "
	                      "it empty)");
	return NULL;
}

int store_tx_staging(struct store *s, int (*fn)(struct store *s, void *arg), void *arg)
{
	s->durable(s->cls, false);
	int rc = store_tx(s, fn, arg);
	s->durable(s->cls, true);
	return rc;
}

int store_tx(struct store *s, int (*fn)(struct store *s, void *arg), void *arg)
{
	enum { ATTEMPTS = 12 };
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		int rc = s->begin(s->cls);
		if (rc == STORE_OK) {
			rc = fn(s, arg);
			if (rc == STORE_OK)
				rc = s->commit(s->cls);
			if (rc != STORE_OK)
				s->rollback(s->cls);
		}
		if (rc != STORE_RETRY)
			return rc;
		/* Back off 1, 2, 4 … ms (capped at 256), jittered so that contenders spread out. */
		long ms = 1L << (attempt < 8 ? attempt : 8);
		struct timespec ts = { 0, (ms + (long)randombytes_uniform((uint32_t)ms + 1)) * 1000000L };
		nanosleep(&ts, NULL);
	}
	log_error("store: transaction still busy after %d attempts", ATTEMPTS);
	return STORE_RETRY;
}

const struct asset *store_migration(const char *dir, int version)
{
	char name[64];
	snprintf(name, sizeof name, "%s/%03d_", dir, version);
	for (size_t i = 0; i < assets_count; i++)
		if (strncmp(assets[i].name, name, strlen(name)) == 0)
			return &assets[i];
	return NULL;
}

int store_migration_latest(const char *dir)
{
	int v = 0;
	while (store_migration(dir, v + 1))
		v++;
	return v;
}

#define T(name, cols, n) { name, cols, n }
const struct store_table store_tables[] = {
	T("users", "id, username, name, role, confirmed, disabled, created_at, pw_salt, pw_version, "
	           "pw_verifier, created_by, refused, enc_pk, sign_pk, sk_pw, sk_rec, cert_signer, "
	           "cert_at, cert_sig, totp_sealed, totp_pending, activation_hash, activation_expires",
	  23),
	T("sessions", "lookup, user_id, created_at, last_seen, expires_at, secrets", 6),
	T("org_keys", "id, pk, created_at, retired_at", 4),
	T("org_key_copies", "org_key_id, user_id, sealed", 3),
	T("settings", "key, value", 2),
	T("reports", "id, number, category, kecamatan, status, created_on, ack_due, due, acked_on, "
	             "closed_on, assignee, receipt_lookup, org_key_id, files, reporter_messages", 15),
	T("report_bodies", "report_id, reporter_keys, content, identity, exclusions", 5),
	T("report_keys", "report_id, holder, holder_kind, k_report, k_notes, k_identity, how, since",
	  8),
	T("messages", "id, report_id, author, author_id, at, seq, body", 7),
	T("files", "id, report_id, staged_at, added_at, added_by, size, chunks, stream_key, header, "
	           "meta", 10),
	T("file_chunks", "file_id, seq, data", 3),
	T("report_events", "id, report_id, seq, at, status, actor_id, reason, internal", 8),
	T("reporter_sessions", "lookup, report_id, last_seen, secrets", 4),
	T("case_numbers", "year, last", 2),
	T("report_seen", "report_id, user_id, messages", 3),
	T("notes", "id, report_id, author_id, at, body", 5),
	T("identity_requests", "id, report_id, requester_id, at, reason, state, decided_by, "
	                       "decided_at, decision", 9),
	T("audit", "seq, at, actor_id, actor, action, subject, detail, prev, hash", 9),
	T("audit_sigs", "seq, signer_id, signed_at, sig", 4),
	T("audit_pending", "action, subject", 2),
};
#undef T
const size_t store_tables_count = sizeof store_tables / sizeof *store_tables;

const char *const store_derived_tables[] = { "key_counts", "report_total" };
const size_t store_derived_tables_count =
	sizeof store_derived_tables / sizeof *store_derived_tables;
