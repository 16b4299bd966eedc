/* settings.c: GET and PATCH /api/v1/staff/settings; each field only by its owner role. */
#include "accounts/settings.h"
#include "api/api.h"

void api_settings_get(struct request *r)
{
	struct settings s;
	settings_get(&s);
	reply_json(r, 200, settings_json(&s));
}

void api_settings_patch(struct request *r)
{
	struct outcome o = settings_patch(r->ctx->store, r->json, &r->user, r->lang);
	if (o.failed) {
		reply_outcome(r, &o);
		return;
	}
	api_settings_get(r);
}
