/* audit.c: `peluit audit verify`: checks every link and signature of the audit trail and
 * exits 1 naming the first bad entry. */
#include <stdio.h>

#include "accounts/trust.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "store/store.h"

static const char usage[] =
	"usage: peluit audit verify [--data DIR] [--db URL]\n"
	"\n"
	"Checks the audit trail: every entry's hash and link to the one before, the server's\n"
	"signatures of the head and the supervisors' co-signatures. Exits 0 when all is intact,\n"
	"1 naming the first bad entry otherwise. Needs DIR/secrets (the server's key).\n";

int cmd_audit_verify(int argc, char **argv)
{
	struct common_opts o;
	int rc = cli_parse(argc, argv, usage, NULL, &o);
	if (rc != CLI_CONTINUE)
		return rc;
	struct config cfg;
	struct store *st;
	struct instance_keys keys;
	char err[512], path[4200];
	if (crypto_init(1) != 0 || cli_open_store(&o, &cfg, &st) != 0)
		return EXIT_FAIL;
	config_path(&cfg, "secrets", path, sizeof path);
	if (instance_keys_load(path, &keys, err, sizeof err) != 0) {
		cli_error("%s", err);
		st->close(st);
		return EXIT_FAIL;
	}
	struct trust trust;
	struct audit_verdict v;
	if (trust_load(cfg.data_dir, &trust, err, sizeof err) != 0) {
		cli_error("%s", err);
		instance_keys_free(&keys);
		st->close(st);
		return EXIT_FAIL;
	}
	rc = trust_audit_verify(&trust, st, &keys, &v);
	instance_keys_free(&keys);
	st->close(st);
	if (rc != STORE_OK) {
		cli_error("could not read the audit trail (see the message above)");
		return EXIT_FAIL;
	}
	char head[AUDIT_HASHBYTES * 2 + 1];
	sodium_bin2hex(head, sizeof head, v.head, sizeof v.head);
	printf("entries: %lld\nhead: %s\nsigned by the server through: %lld\n"
	       "co-signed by a supervisor through: %lld\n",
	       (long long)v.entries, head, (long long)v.server_signed_through,
	       (long long)v.supervisor_signed_through);
	if (!v.ok) {
		printf("BROKEN at entry %lld: %s\n", (long long)v.first_bad, v.why);
		return EXIT_FAIL;
	}
	printf("ok: every link and signature verifies\n");
	return EXIT_OK;
}
