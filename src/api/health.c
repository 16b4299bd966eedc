/* health.c: GET /healthz, for load balancers and monitoring. */
#include "api/api.h"

void api_healthz(struct request *r)
{
	const struct store *st = r->ctx->store;
	if (st->ping(st->cls) != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}
