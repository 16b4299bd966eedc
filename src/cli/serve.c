/* serve.c: `peluit serve`: load everything, listen, do periodic upkeep, stop gracefully on
 * SIGINT or SIGTERM (requests in flight finish, the database closes cleanly). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accounts/settings.h"
#include "accounts/trust.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/log.h"
#include "core/refdata.h"
#include "crypto/crypto.h"
#include "http/server.h"
#include "http/session.h"
#include "pages/pages.h"
#include "reports/reports.h"
#include "store/store.h"
#include "tmpl/tmpl.h"

static const char usage[] =
	"usage: peluit serve [--data DIR] [--db URL] [--listen ADDRESS:PORT]\n"
	"\n"
	"Serves Peluit over HTTP until SIGINT or SIGTERM. Put it behind a TLS reverse proxy\n"
	"(contrib/nginx.conf) and set https = true in DIR/peluit.conf. The request log and\n"
	"diagnostics go to standard error; reporters' requests are counted, never logged.\n"
	"\n"
	"  --data DIR        data directory (default ./var, or PELUIT_DATA)\n"
	"  --db URL          database (default SQLite in DIR; or PELUIT_DB)\n"
	"  --listen A:P      address and port (default 127.0.0.1:8080, or PELUIT_LISTEN;\n"
	"                    port 0 picks a free port)\n"
	"\n"
	"PELUIT_RATE_LIMITS=off turns the abuse limits off: for tests and benchmarks only.\n";

#define UPKEEP_SECONDS 60
/* Staged files of an upload this old that never completed are removed. */
#define UPLOAD_ABANDONED_SECONDS (10 * 60)

static time_t planned; /* when the planner's statistics were last refreshed */

/* Once a minute: expired sessions go, the audit head is signed when it moved; once an hour
 * the reporter-originated audit entries are appended as a batch without times. */
static void upkeep(struct store *st, const struct instance_keys *keys, struct trust *trust,
                   const char *data_dir, struct http_server *srv, time_t *last_hour)
{
	time_t now = time(NULL);
	char err[512];
	if (!trust->present && trust_load(data_dir, trust, err, sizeof err) != 0)
		log_error("upkeep: %s", err);
	if (st->session_purge(st->cls, now, now - STAFF_IDLE_SECONDS) != STORE_OK)
		log_error("upkeep: could not purge expired sessions");
	if (now / 3600 != *last_hour / 3600) { /* each clock hour */
		int n;
		if (audit_flush_reporter(st, &n) != STORE_OK)
			log_error("upkeep: could not append the hourly batch of reporter audit entries");
		log_info("reporter requests in the last hour: %lu (counted, not logged)",
		         http_take_reporter_count(srv));
		*last_hour = now;
	}
	if (audit_sign_server(st, keys->audit_sk) != STORE_OK)
		log_error("upkeep: could not sign the audit trail's head");
	if (settings_refresh(st) != STORE_OK) /* changes made on other servers */
		log_error("upkeep: could not read the settings");
	int64_t swept;
	if (reports_sweep(st, UPLOAD_ABANDONED_SECONDS, &swept) != STORE_OK)
		log_error("upkeep: could not remove the files of abandoned uploads");
	else if (swept > 0)
		log_info("upkeep: removed %lld staged files of uploads that never completed",
		         (long long)swept);
	if (st->reporter_session_purge(st->cls, now - REPORTER_IDLE_SECONDS) != STORE_OK)
		log_error("upkeep: could not purge expired reporter sessions");
	if (st->optimize && now - planned >= 3600) { /* the planner's statistics, hourly */
		st->optimize(st->cls);
		planned = now;
	}
}

static int serve(const struct config *cfg)
{
	char err[512], path[4200];
	struct instance_keys keys;
	struct trust trust = { 0 };
	config_path(cfg, "secrets", path, sizeof path);
	if (instance_keys_load(path, &keys, err, sizeof err) != 0) {
		cli_error("%s", err);
		return EXIT_FAIL;
	}
	if (trust_load(cfg->data_dir, &trust, err, sizeof err) != 0) {
		cli_error("%s", err);
		instance_keys_free(&keys);
		return EXIT_FAIL;
	}
	settings_init(cfg);
	if (refdata_load(err, sizeof err) != 0) {
		cli_error("%s", err);
		instance_keys_free(&keys);
		return EXIT_FAIL;
	}
	struct tmpl_set *templates = pages_load_templates(err, sizeof err);
	if (!templates) {
		cli_error("templates: %s", err);
		refdata_free();
		instance_keys_free(&keys);
		return EXIT_FAIL;
	}
	struct store *st = store_open(cfg->db_url, cfg->data_dir, false, err, sizeof err);
	int have = 0, want = 0, rc = EXIT_FAIL;
	if (!st) {
		cli_error("%s", err);
	} else if (st->schema_check(st->cls, &have, &want) != STORE_OK) {
		cli_error("the database schema is version %d, this program needs %d: run 'peluit init'",
		          have, want);
	} else if (settings_refresh(st) != STORE_OK || reports_init(st) != STORE_OK) {
		cli_error("could not read the settings from the database");
	} else {
		struct server_ctx ctx = { .cfg = cfg, .store = st, .templates = templates, .keys = &keys,
		                          .trust = &trust };
		int queued;
		if (audit_flush_reporter(st, &queued) != STORE_OK) /* left by a process that was killed */
			log_error("could not append the reporter audit entries waiting from before");
		if (!trust.present)
			log_info("no trust root yet: create the first supervisor with 'peluit user add "
			         "--role supervisor --password-file F'; reports are refused until then");
		struct http_server *srv = http_start(&ctx, err, sizeof err);
		if (!srv) {
			cli_error("%s", err);
		} else {
			if (!cfg->rate_limits)
				log_info("WARNING: abuse limits are OFF (PELUIT_RATE_LIMITS=off): "
				         "for tests and benchmarks only, never in production");
			const char *host = cfg->listen_host;
			bool v6 = strchr(host, ':') != NULL;
			printf("Peluit serving on http://%s%s%s:%u/\n", v6 ? "[" : "", host, v6 ? "]" : "",
			       http_port(srv));
			fflush(stdout);

			sigset_t stop;
			sigemptyset(&stop);
			sigaddset(&stop, SIGINT);
			sigaddset(&stop, SIGTERM);
			struct timespec tick = { UPKEEP_SECONDS, 0 };
			time_t last_hour = time(NULL);
			if (st->optimize) { /* at start, then hourly in upkeep */
				st->optimize(st->cls);
				planned = time(NULL);
			}
			int sig;
			while ((sig = sigtimedwait(&stop, NULL, &tick)) < 0)
				upkeep(st, &keys, &trust, cfg->data_dir, srv, &last_hour);
			log_info("received %s: finishing requests in flight", strsignal(sig));
			unsigned long counted = http_stop(srv, 30);
			log_info("reporter requests since the last count: %lu", counted);
			int n;
			if (audit_flush_reporter(st, &n) != STORE_OK) /* none waits for a restart */
				log_error("could not append the waiting reporter audit entries at shutdown");
			if (audit_sign_server(st, keys.audit_sk) != STORE_OK)
				log_error("could not sign the audit trail's head at shutdown");
			rc = EXIT_OK;
		}
	}
	if (st)
		st->close(st);
	tmpl_set_free(templates);
	refdata_free();
	instance_keys_free(&keys);
	if (rc == EXIT_OK)
		log_info("stopped");
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	struct common_opts o;
	const char *listen = NULL;
	const struct cli_opt extra[] = { { "listen", &listen }, { NULL, NULL } };
	int rc = cli_parse(argc, argv, usage, extra, &o);
	if (rc != CLI_CONTINUE)
		return rc;
	o.listen = listen;
	struct config cfg;
	if (cli_config(&cfg, &o) != 0)
		return EXIT_FAIL;
	/* Signals are taken by sigtimedwait in the main thread only: block them before any
	 * thread starts, so every thread inherits the mask. */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	signal(SIGPIPE, SIG_IGN);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (crypto_init(cores > 0 ? (unsigned)cores : 1) != 0) {
		cli_error("libsodium could not be initialized");
		return EXIT_FAIL;
	}
	return serve(&cfg);
}
