#!/usr/bin/env python3
"""inbox.py: the driver of bench/inbox.sh (seeding and latency); see that script."""
import http.client
import json
import random
import statistics
import sys
import threading
import time

PORT = int(sys.argv[2])


def conn():
    return http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)


def call(c, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    return r.status, data


def seed(n, clients):
    """Files n reports through POST /api/v1/reports with `clients` keep-alive connections."""
    c = conn()
    status, meta = call(c, "GET", "/api/v1/meta")
    meta = json.loads(meta)
    cats = [x["code"] for x in meta["categories"]]
    kecs = [k["code"] for k in meta["kecamatan"]]
    done = [0]
    lock = threading.Lock()
    errors = []
    t0 = time.time()

    def worker(count, seed_):
        rnd = random.Random(seed_)
        c = conn()
        for i in range(count):
            body = {"category": rnd.choice(cats), "kecamatan": rnd.choice(kecs),
                    "message": "Laporan uji beban nomor %d: dugaan pungutan liar pada layanan "
                               "perizinan di kantor kecamatan." % rnd.randrange(10**9)}
            status, data = call(c, "POST", "/api/v1/reports", body)
            if status != 201:
                errors.append((status, data[:200]))
                return
            with lock:
                done[0] += 1
                if done[0] % 5000 == 0:
                    el = time.time() - t0
                    print("  seeded %d of %d (%.0f/s)" % (done[0], n, done[0] / el), flush=True)

    per = n // clients
    ts = [threading.Thread(target=worker, args=(per + (1 if i < n % clients else 0), i))
          for i in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        print("seeding failed: %r" % (errors[0],))
        sys.exit(1)
    print("seeded %d reports in %.0f s" % (done[0], time.time() - t0))


def login(user, password):
    c = conn()
    status, data = call(c, "POST", "/api/v1/staff/login", {"username": user, "password": password})
    if status != 200:
        print("login failed: %d %s" % (status, data[:200]))
        sys.exit(1)
    return json.loads(data)["token"]


def measure(token, label, paths, rounds, goal):
    c = conn()
    times = []
    for i in range(rounds):
        path = paths[i % len(paths)]
        t = time.perf_counter()
        status, data = call(c, "GET", path, token=token)
        times.append((time.perf_counter() - t) * 1000)
        if status != 200:
            print("%s: %s -> %d %s" % (label, path, status, data[:200]))
            sys.exit(1)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    verdict = "goal met" if p95 < goal else "below goal"
    print("%-28s p50 %6.2f ms   p95 %6.2f ms   (goal p95 < %d ms: %s; %d requests)"
          % (label, p50, p95, goal, verdict, rounds))


def latency(user, password, rounds, moves):
    token = login(user, password)
    c = conn()
    status, data = call(c, "GET", "/api/v1/staff/reports?per_page=200", token=token)
    first = json.loads(data)
    total = first["total"]
    ids = [x["id"] for x in first["items"]]
    # Move some reports along, so that status filters select a realistic share.
    for rid in ids[:moves]:
        call(c, "PATCH", "/api/v1/staff/reports/" + rid,
             {"status": "verifying", "reason": "Verifikasi dimulai."}, token=token)
    status, meta = call(c, "GET", "/api/v1/meta")
    meta = json.loads(meta)
    cats = [x["code"] for x in meta["categories"]]
    kecs = [k["code"] for k in meta["kecamatan"]]
    print("reader %s: %d reports in the inbox" % (user, total))
    measure(token, "inbox, first page (50)", ["/api/v1/staff/reports"], rounds, 25)
    measure(token, "inbox, status + category",
            ["/api/v1/staff/reports?status=verifying&category=%s" % c for c in cats], rounds, 25)
    measure(token, "inbox, kecamatan by due",
            ["/api/v1/staff/reports?kecamatan=%s&sort=due" % k for k in kecs], rounds, 25)
    measure(token, "inbox, overdue", ["/api/v1/staff/reports?overdue=true"], rounds // 4, 25)
    measure(token, "inbox, page 100 (sorted)", ["/api/v1/staff/reports?page=100&sort=created"],
            rounds // 4, 25)
    measure(token, "case page", ["/api/v1/staff/reports/" + i for i in ids], rounds, 15)


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(int(sys.argv[3]), int(sys.argv[4]))
    else:
        latency(sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
