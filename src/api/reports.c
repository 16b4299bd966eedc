/* reports.c: POST /api/v1/reports, a citizen's submission (JSON, or multipart with
 * evidence streamed through reports_submit_upload). */
#include "api/api.h"
#include "reports/reports.h"

void api_reports_submit(struct request *r)
{
	struct submitted s;
	if (reports_submit_finish(r, &s) != 0)
		return;
	reply_json(r, 201, json_pack("{s:s,s:s,s:s,s:o}", "receipt", s.receipt, "receipt_display",
	                             s.receipt_display, "submitted_on", s.submitted_on, "files",
	                             s.files));
	sodium_memzero(s.receipt, sizeof s.receipt);
	sodium_memzero(s.receipt_display, sizeof s.receipt_display);
}
