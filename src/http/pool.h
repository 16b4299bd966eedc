/* pool.h: a bounded pool of worker threads for blocking work (database, Argon2id). */
#ifndef PELUIT_POOL_H
#define PELUIT_POOL_H

#include <stdbool.h>

struct pool;

/* Starts `threads` workers with room for `queue_max` waiting jobs. NULL on failure. */
struct pool *pool_new(unsigned threads, unsigned queue_max);
/* Whether a job submitted now would be accepted (advisory: another thread may race). */
bool pool_has_room(struct pool *p);
/* Queues fn(arg). Returns 0, or -1 when the queue is full or the pool is stopping. */
int pool_submit(struct pool *p, void (*fn)(void *), void *arg);
/* Runs every queued job, joins the workers and frees the pool. */
void pool_free(struct pool *p);

#endif
