/* landing.c: GET /, the public front page: what can be reported, how identity is protected,
 * and the two ways in. */
#include "core/refdata.h"
#include "pages/pages.h"

void page_landing(struct request *r)
{
	reply_page(r, 200, "landing", json_pack("{s:o}", "categories",
	                                        refdata_categories(r->lang, true)));
}
