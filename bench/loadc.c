/* loadc.c: a tiny closed-loop HTTP/1.1 load client for bench/login.sh and bench/intake.sh.
 *
 * CLIENTS threads each keep one keep-alive connection to 127.0.0.1:PORT and send the same
 * POST (BODYFILE, Content-Type TYPE) again and again, one request at a time. They start
 * together and keep going for WARMUP + SECONDS seconds; then each waits for the response to
 * the request it has in flight (so the server is idle again when loadc exits) and stops.
 * Only responses that arrive inside the measuring window [start + WARMUP, start + WARMUP +
 * SECONDS] are counted, so the figure is the steady-state rate, without the ramp-up at the
 * start or the drain at the end. It prints one line:
 *
 *     clients=C ok=N total=T other=M errors=E seconds=S rate=R avg_ms=A p50_ms=P p99_ms=Q status=X
 *
 * ok counts responses with status EXPECT inside the window and rate = ok / SECONDS; total
 * counts them over the whole run (warm-up and drain too; for CPU time per request); other
 * counts responses with any other status at any time (X is the last such status, or 0);
 * errors counts broken connections at any time. The latencies are those of the ok responses
 * in the window.
 *
 * Usage: loadc PORT PATH BODYFILE TYPE CLIENTS WARMUP SECONDS EXPECT
 * Build: cc -O2 -pthread -o loadc loadc.c
 * Only ever connects to 127.0.0.1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, expect;
static double seconds, t0, win_start, deadline;
static char *request;
static size_t request_len;
static pthread_barrier_t start;

struct result {
	long ok, total, other, errors, last_status;
	double *lat;
	size_t nlat, cap;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One request/response on fd. Returns the status, or -1 when the connection broke;
 * *keep is cleared when the server asked to close. */
static int exchange(int fd, bool *keep)
{
	static __thread char buf[65536];
	if (send_all(fd, request, request_len) != 0)
		return -1;
	size_t have = 0;
	char *end = NULL;
	while (!end) {
		if (have == sizeof buf - 1)
			return -1;
		ssize_t r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	int status = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	long long clen = 0;
	*keep = true;
	for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
		char *h = line + 2;
		if (!strncasecmp(h, "Content-Length:", 15))
			clen = atoll(h + 15);
		else if (!strncasecmp(h, "Connection:", 11) && strstr(h, "close") &&
		         strstr(h, "close") < strstr(h, "\r\n"))
			*keep = false;
	}
	long long body = (long long)(have - (size_t)(end + 4 - buf));
	while (body < clen) {
		ssize_t r = recv(fd, buf, sizeof buf, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		body += r;
	}
	return status;
}

static void *client(void *arg)
{
	struct result *res = arg;
	int fd = dial();
	pthread_barrier_wait(&start);
	while (now() < deadline) {
		if (fd < 0 && (fd = dial()) < 0) {
			res->errors++;
			usleep(10000);
			continue;
		}
		double a = now();
		bool keep = true;
		int st = exchange(fd, &keep);
		double b = now();
		if (st < 0) {
			res->errors++;
			close(fd);
			fd = -1;
			continue;
		}
		if (!keep) {
			close(fd);
			fd = -1;
		}
		if (st == expect)
			res->total++;
		else {
			res->other++;
			res->last_status = st;
		}
		if (b < win_start || b > deadline || st != expect)
			continue; /* warm-up or drain: not counted */
		res->ok++;
		if (res->nlat == res->cap) {
			res->cap = res->cap ? res->cap * 2 : 1024;
			res->lat = realloc(res->lat, res->cap * sizeof *res->lat);
			if (!res->lat)
				abort();
		}
		res->lat[res->nlat++] = b - a;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 9) {
		fprintf(stderr, "usage: %s PORT PATH BODYFILE TYPE CLIENTS WARMUP SECONDS EXPECT\n",
		        argv[0]);
		return 2;
	}
	port = atoi(argv[1]);
	const char *path = argv[2], *type = argv[4];
	int clients = atoi(argv[5]);
	double warmup = atof(argv[6]);
	seconds = atof(argv[7]);
	expect = atoi(argv[8]);
	if (port <= 0 || port > 65535 || clients < 1 || clients > 1024 || seconds <= 0 || warmup < 0)
		return 2;
	FILE *f = fopen(argv[3], "rb");
	if (!f) {
		perror(argv[3]);
		return 2;
	}
	static char body[1 << 16];
	size_t blen = fread(body, 1, sizeof body, f);
	fclose(f);
	request = malloc(blen + 512);
	if (!request)
		return 1;
	int n = snprintf(request, 512,
	                 "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: %s\r\n"
	                 "Accept: application/json\r\nContent-Length: %zu\r\n\r\n",
	                 path, port, type, blen);
	memcpy(request + n, body, blen);
	request_len = (size_t)n + blen;

	pthread_t *t = calloc((size_t)clients, sizeof *t);
	struct result *res = calloc((size_t)clients, sizeof *res);
	if (!t || !res || pthread_barrier_init(&start, NULL, (unsigned)clients + 1) != 0)
		return 1;
	for (int i = 0; i < clients; i++)
		if (pthread_create(&t[i], NULL, client, &res[i]) != 0)
			return 1;
	/* Set before the barrier, which orders it before every thread's first read. */
	t0 = now();
	win_start = t0 + warmup;
	deadline = win_start + seconds;
	pthread_barrier_wait(&start);
	long ok = 0, total = 0, other = 0, errors = 0, last_status = 0;
	size_t nlat = 0;
	for (int i = 0; i < clients; i++) {
		pthread_join(t[i], NULL);
		ok += res[i].ok;
		total += res[i].total;
		other += res[i].other;
		errors += res[i].errors;
		if (res[i].last_status)
			last_status = res[i].last_status;
		nlat += res[i].nlat;
	}
	double *lat = malloc((nlat ? nlat : 1) * sizeof *lat);
	size_t k = 0;
	double sum = 0;
	for (int i = 0; i < clients; i++)
		for (size_t j = 0; j < res[i].nlat; j++) {
			lat[k++] = res[i].lat[j];
			sum += res[i].lat[j];
		}
	qsort(lat, nlat, sizeof *lat, cmp);
	double s = seconds;
	printf("clients=%d ok=%ld total=%ld other=%ld errors=%ld seconds=%.3f rate=%.3f avg_ms=%.1f "
	       "p50_ms=%.1f p99_ms=%.1f status=%ld\n",
	       clients, ok, total, other, errors, s, s > 0 ? (double)ok / s : 0.0,
	       nlat ? 1000 * sum / (double)nlat : 0.0, nlat ? 1000 * lat[nlat / 2] : 0.0,
	       nlat ? 1000 * lat[(size_t)((double)(nlat - 1) * 0.99)] : 0.0, last_status);
	return 0;
}
