/* upload.h: streaming multipart/form-data bodies (inside http/ only). libmicrohttpd's post
 * processor parses on the I/O thread into a batch (non-file fields go to r->json; file parts
 * become begin/data/end events over one byte buffer); a worker then hands the batch to the
 * route's upload_ops while the connection is suspended. */
#ifndef PELUIT_UPLOAD_H
#define PELUIT_UPLOAD_H

#include "http/http.h"

/* Sets up streaming for a multipart request. Returns 0, or -1 after replying. */
int upload_start(struct request *r);
/* Parses body bytes (I/O thread). Returns 0, or -1 after replying (bad multipart). */
int upload_feed(struct request *r, const char *data, size_t n);
/* Whether the batch is big enough to hand to a worker now. */
bool upload_needs_flush(const struct request *r);
/* Ends parsing at the end of the body (I/O thread). Returns 0, or -1 after replying. */
int upload_finish(struct request *r);
/* Hands the batch to the route's upload_ops (worker thread). Calls begin first when due
 * (`at_end`: the body is complete, so begin is due even without files). */
void upload_flush(struct request *r, bool at_end);
void upload_free(struct request *r);

#endif
