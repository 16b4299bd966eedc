/* pool.c: worker threads over a ring buffer of jobs, one mutex and two condition variables. */
#include <pthread.h>
#include <stdlib.h>

#include "core/log.h"
#include "http/pool.h"

struct job {
	void (*fn)(void *);
	void *arg;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t ready;
	struct job *ring;
	unsigned cap, head, count;
	bool stopping;
	pthread_t *threads;
	unsigned nthreads;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->count == 0 && !p->stopping)
			pthread_cond_wait(&p->ready, &p->mu);
		if (p->count == 0) { /* stopping, and nothing left to do */
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		struct job j = p->ring[p->head];
		p->head = (p->head + 1) % p->cap;
		p->count--;
		pthread_mutex_unlock(&p->mu);
		j.fn(j.arg);
	}
}

struct pool *pool_new(unsigned threads, unsigned queue_max)
{
	struct pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->cap = queue_max;
	p->ring = calloc(queue_max, sizeof *p->ring);
	p->threads = calloc(threads, sizeof *p->threads);
	if (!p->ring || !p->threads) {
		free(p->ring);
		free(p->threads);
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->ready, NULL);
	for (; p->nthreads < threads; p->nthreads++)
		if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0) {
			log_error("pool: could not start worker %u", p->nthreads);
			pool_free(p);
			return NULL;
		}
	return p;
}

bool pool_has_room(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	bool room = p->count < p->cap && !p->stopping;
	pthread_mutex_unlock(&p->mu);
	return room;
}

int pool_submit(struct pool *p, void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&p->mu);
	if (p->count == p->cap || p->stopping) {
		pthread_mutex_unlock(&p->mu);
		return -1;
	}
	p->ring[(p->head + p->count) % p->cap] = (struct job){ fn, arg };
	p->count++;
	pthread_cond_signal(&p->ready);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

void pool_free(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_broadcast(&p->ready);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->ready);
	free(p->ring);
	free(p->threads);
	free(p);
}
