/* server.h: the libmicrohttpd daemon of `peluit serve`: its limits and its lifecycle. */
#ifndef PELUIT_SERVER_H
#define PELUIT_SERVER_H

#include "http/http.h"

struct http_server;

/* Starts listening on ctx->cfg's address with every limit of the configuration.
 * Returns NULL with err set. */
struct http_server *http_start(const struct server_ctx *ctx, char *err, size_t errlen);

/* The port actually bound (useful with port 0). */
unsigned http_port(const struct http_server *s);

/* Reporter requests served since the last call (they are counted, never logged). */
unsigned long http_take_reporter_count(struct http_server *s);

/* Stops accepting, lets requests in flight finish (at most grace_s seconds), stops the
 * workers and the daemon, and frees s. Returns the reporter requests not yet taken. */
unsigned long http_stop(struct http_server *s, unsigned grace_s);

#endif
