/* argon2_rate.c: the raw Argon2id rate of this machine, for bench/login.sh and
 * bench/intake.sh. Runs THREADS threads, each computing HASHES_PER_THREAD hashes with
 * libsodium's crypto_pwhash (crypto_pwhash_ALG_ARGON2ID13) and the given parameters, and
 * prints one line:
 *
 *     hashes=N threads=T seconds=S first_done=F rate=R wall_rate=W cpu_ms_per_hash=C
 *
 * S is the time until the last thread finished, F until the first one did. rate is the sum
 * of the threads' own rates (each thread's hashes / that thread's time): the throughput while
 * all T threads are busy, which is what a server with T busy slots gets. wall_rate = N / S
 * is lower when the threads finish unevenly (the last one then runs alone for a while).
 * C is the process's user + system CPU time (getrusage) divided by N.
 * This is the ceiling for anything that runs one such hash per request on the same cores:
 * the server runs at most one Argon2id per core at a time (its semaphore), as this does.
 *
 * Usage: argon2_rate THREADS HASHES_PER_THREAD OPSLIMIT MEMLIMIT_BYTES
 * Build: cc -O2 -pthread -o argon2_rate argon2_rate.c -lsodium
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static unsigned long long opslimit;
static size_t memlimit;
static long per_thread;
static pthread_barrier_t start;
static volatile int failed;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double *elapsed; /* per thread */

static void *worker(void *arg)
{
	unsigned char salt[crypto_pwhash_SALTBYTES], out[32];
	char pw[32];
	long id = (long)(intptr_t)arg;
	randombytes_buf(salt, sizeof salt);
	pthread_barrier_wait(&start);
	double t0 = now();
	for (long i = 0; i < per_thread; i++) {
		/* A different input every time, like different passwords/receipts. */
		int n = snprintf(pw, sizeof pw, "bench-%ld-%ld", id, i);
		if (crypto_pwhash(out, sizeof out, pw, (unsigned long long)n, salt, opslimit, memlimit,
		                  crypto_pwhash_ALG_ARGON2ID13) != 0)
			failed = 1;
	}
	elapsed[id] = now() - t0;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s THREADS HASHES_PER_THREAD OPSLIMIT MEMLIMIT_BYTES\n", argv[0]);
		return 2;
	}
	long threads = strtol(argv[1], NULL, 10);
	per_thread = strtol(argv[2], NULL, 10);
	opslimit = strtoull(argv[3], NULL, 10);
	memlimit = (size_t)strtoull(argv[4], NULL, 10);
	if (threads < 1 || threads > 256 || per_thread < 1 || sodium_init() < 0) {
		fprintf(stderr, "argon2_rate: bad arguments or sodium_init failed\n");
		return 2;
	}
	pthread_t *t = calloc((size_t)threads, sizeof *t);
	elapsed = calloc((size_t)threads, sizeof *elapsed);
	if (!t || !elapsed || pthread_barrier_init(&start, NULL, (unsigned)threads + 1) != 0)
		return 1;
	for (long i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) != 0) {
			fprintf(stderr, "argon2_rate: pthread_create failed\n");
			return 1;
		}
	pthread_barrier_wait(&start);
	double t0 = now();
	for (long i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	double s = now() - t0;
	if (failed) {
		fprintf(stderr, "argon2_rate: crypto_pwhash failed (out of memory?)\n");
		return 1;
	}
	long n = threads * per_thread;
	double rate = 0, first = s;
	for (long i = 0; i < threads; i++) {
		rate += (double)per_thread / elapsed[i];
		if (elapsed[i] < first)
			first = elapsed[i];
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	             (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("hashes=%ld threads=%ld seconds=%.3f first_done=%.3f rate=%.3f wall_rate=%.3f "
	       "cpu_ms_per_hash=%.1f\n",
	       n, threads, s, first, rate, (double)n / s, 1000 * cpu / (double)n);
	free(t);
	return 0;
}
