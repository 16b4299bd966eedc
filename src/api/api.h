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
/* staff_account.c */
extern const struct jfield api_activate_fields[], api_recover_fields[], api_password_fields[],
	api_totp_code_fields[];
void api_staff_activate(struct request *r);
void api_staff_recover(struct request *r);
void api_staff_password(struct request *r);
void api_staff_totp_begin(struct request *r);
void api_staff_totp_confirm(struct request *r);
void api_staff_totp_disable(struct request *r);
/* users.c */
extern const struct jfield api_user_create_fields[], api_user_patch_fields[],
	api_user_confirm_fields[];
void api_users_list(struct request *r);
void api_users_pending(struct request *r);
void api_users_create(struct request *r);
void api_users_patch(struct request *r);
void api_users_confirm(struct request *r);
/* reports.c */
void api_reports_submit(struct request *r);
/* reporter.c */
extern const struct jfield api_reporter_login_fields[], api_reporter_message_fields[];
void api_reporter_login(struct request *r);
void api_reporter_report(struct request *r);
void api_reporter_message(struct request *r);
void api_reporter_files(struct request *r);
void api_reporter_logout(struct request *r);
/* settings.c */
void api_settings_get(struct request *r);
void api_settings_patch(struct request *r);

/* cases.c */
extern const struct jfield api_case_patch_fields[], api_case_body_fields[],
	api_case_grant_fields[], api_case_reason_fields[], api_identity_decide_fields[];
void api_cases_list(struct request *r);
void api_cases_get(struct request *r);
void api_cases_file(struct request *r);
void api_cases_patch(struct request *r);
void api_cases_message(struct request *r);
void api_cases_note(struct request *r);
void api_cases_grant(struct request *r);
void api_cases_revoke(struct request *r);
void api_cases_identity_request(struct request *r);
void api_identity_requests(struct request *r);
void api_identity_decide(struct request *r);

/* audit.c */
void api_audit_list(struct request *r);
void api_audit_verify(struct request *r);

#endif
