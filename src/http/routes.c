/* routes.c: the route table, the only place where URLs appear. */
#include "api/api.h"
#include "pages/pages.h"

const struct route routes[] = {
	/* public */
	{ M_GET, "/healthz", api_healthz, WHO_PUBLIC, BODY_NONE, NULL, 0 },
	{ M_GET, "/api/v1/meta", api_meta, WHO_PUBLIC, BODY_NONE, NULL, 0 },

	/* staff */
	{ M_POST, "/api/v1/staff/login", api_staff_login, WHO_PUBLIC, BODY_JSON, api_login_fields, 0 },
	{ M_POST, "/api/v1/staff/logout", api_staff_logout, WHO_STAFF, BODY_NONE, NULL, ROUTE_SETUP },
	{ M_POST, "/api/v1/staff/activate", api_staff_activate, WHO_PUBLIC, BODY_JSON,
	  api_activate_fields, 0 },
	{ M_POST, "/api/v1/staff/recover", api_staff_recover, WHO_PUBLIC, BODY_JSON,
	  api_recover_fields, 0 },
	{ M_GET, "/api/v1/staff/me", api_staff_me, WHO_STAFF, BODY_NONE, NULL, ROUTE_SETUP },
	{ M_POST, "/api/v1/staff/me/password", api_staff_password, WHO_STAFF, BODY_JSON,
	  api_password_fields, ROUTE_SETUP },
	{ M_POST, "/api/v1/staff/me/totp", api_staff_totp_begin, WHO_STAFF, BODY_NONE, NULL,
	  ROUTE_SETUP },
	{ M_DELETE, "/api/v1/staff/me/totp", api_staff_totp_disable, WHO_STAFF, BODY_JSON,
	  api_totp_code_fields, ROUTE_SETUP },
	{ M_POST, "/api/v1/staff/me/totp/confirm", api_staff_totp_confirm, WHO_STAFF, BODY_JSON,
	  api_totp_code_fields, ROUTE_SETUP },
	{ M_GET, "/api/v1/staff/users", api_users_list, WHO_ADMIN, BODY_NONE, NULL, 0 },
	{ M_POST, "/api/v1/staff/users", api_users_create, WHO_ADMIN, BODY_JSON,
	  api_user_create_fields, 0 },
	{ M_GET, "/api/v1/staff/users/pending", api_users_pending, WHO_SUPERVISOR, BODY_NONE, NULL, 0 },
	{ M_PATCH, "/api/v1/staff/users/{id}", api_users_patch, WHO_ADMIN, BODY_JSON,
	  api_user_patch_fields, 0 },
	{ M_POST, "/api/v1/staff/users/{id}/confirm", api_users_confirm, WHO_SUPERVISOR, BODY_JSON,
	  api_user_confirm_fields, 0 },
	{ M_GET, "/api/v1/staff/settings", api_settings_get, WHO_ADMIN | WHO_SUPERVISOR, BODY_NONE,
	  NULL, 0 },
	{ M_PATCH, "/api/v1/staff/settings", api_settings_patch, WHO_ADMIN | WHO_SUPERVISOR,
	  BODY_JSON, NULL, 0 },

	{ M_GET, "/api/v1/staff/audit", api_audit_list, WHO_ADMIN | WHO_SUPERVISOR, BODY_NONE, NULL, 0 },
	{ M_GET, "/api/v1/staff/audit/verify", api_audit_verify, WHO_ADMIN | WHO_SUPERVISOR, BODY_NONE,
	  NULL, 0 },

	/* pages */
	{ M_GET, "/", page_landing, WHO_PUBLIC, BODY_NONE, NULL, ROUTE_INLINE | ROUTE_PAGE },
	{ M_GET, "/static/{file}", page_static, WHO_PUBLIC, BODY_NONE, NULL, ROUTE_INLINE | ROUTE_PAGE },
	{ 0, NULL, NULL, 0, BODY_NONE, NULL, 0 },
};
