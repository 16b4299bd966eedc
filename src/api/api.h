/* api.h: the handlers of the JSON API, one file per resource. */
#ifndef PELUIT_API_H
#define PELUIT_API_H

#include "http/http.h"

/* health.c */
void api_healthz(struct request *r);
/* meta.c */
void api_meta(struct request *r);
/* staff_session.c */
extern const struct jfield api_login_fields[];
void api_staff_login(struct request *r);
void api_staff_logout(struct request *r);
void api_staff_me(struct request *r);
/* Builds the <me> object of API.md for a user. */
json_t *api_me_json(const struct store_user *u);

/* audit.c */
void api_audit_list(struct request *r);
void api_audit_verify(struct request *r);

#endif
