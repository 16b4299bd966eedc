/* routes.c: the route table, the only place where URLs appear. */
#include "api/api.h"
#include "pages/pages.h"

const struct route routes[] = {
	/* public */
	{ M_GET, "/healthz", api_healthz, WHO_PUBLIC, BODY_NONE, NULL, 0 },
	{ M_GET, "/api/v1/meta", api_meta, WHO_PUBLIC, BODY_NONE, NULL, 0 },

	/* staff */
	{ M_POST, "/api/v1/staff/login", api_staff_login, WHO_PUBLIC, BODY_JSON, api_login_fields, 0 },
	{ M_POST, "/api/v1/staff/logout", api_staff_logout, WHO_STAFF, BODY_NONE, NULL, 0 },
	{ M_GET, "/api/v1/staff/me", api_staff_me, WHO_STAFF, BODY_NONE, NULL, 0 },

	{ M_GET, "/api/v1/staff/audit", api_audit_list, WHO_ADMIN | WHO_SUPERVISOR, BODY_NONE, NULL, 0 },
	{ M_GET, "/api/v1/staff/audit/verify", api_audit_verify, WHO_ADMIN | WHO_SUPERVISOR, BODY_NONE,
	  NULL, 0 },

	/* pages */
	{ M_GET, "/", page_landing, WHO_PUBLIC, BODY_NONE, NULL, ROUTE_INLINE | ROUTE_PAGE },
	{ M_GET, "/static/{file}", page_static, WHO_PUBLIC, BODY_NONE, NULL, ROUTE_INLINE | ROUTE_PAGE },
	{ 0, NULL, NULL, 0, BODY_NONE, NULL, 0 },
};
