"""200 clients submit a small towers job at once to a server on 127.0.0.1: how many are accepted (202),
told to wait (503 + Retry-After), or lose their connection (reset/refused). Compare listen backlogs:

    PYTHONPATH=backend python experiments/reliability/burst.py --backlog 5
    PYTHONPATH=backend python experiments/reliability/burst.py --backlog 256
    PYTHONPATH=backend python experiments/reliability/burst.py --backlog 256 --max-queued 16 --job-seconds 0.2
"""
from __future__ import annotations

import argparse
import collections
import json
import threading
import urllib.error
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--backlog", type=int, default=256)
    ap.add_argument("--max-queued", type=int, default=64)
    ap.add_argument("--job-seconds", type=float, default=0.0, help="each job sleeps this long (fills the queue)")
    args = ap.parse_args()
    import time

    from sig2gps.methods import registry
    from sig2gps.methods.towers import TowersMethod
    from sig2gps.server import BackendServer, ServerConfig

    class Slow(TowersMethod):
        name = "_burst_slow"

        def reconstruct_many(self, traces):
            time.sleep(args.job_seconds)
            return super().reconstruct_many(traces)

    registry.available_methods()
    registry.register(Slow)

    srv = BackendServer(ServerConfig(backlog=args.backlog, max_queued=args.max_queued, data_dirs=()))
    srv.start_in_thread()
    t0 = 1_777_618_800.0
    body = json.dumps({"wire": 1, "method": "_burst_slow", "traces": [
        {"trace_id": "a", "t": [t0, t0 + 60, t0 + 120], "cell_id": ["1", "2", "3"], "lon": [24.9, 24.91, 24.92],
         "lat": [60.1, 60.1, 60.1]}]}).encode()
    out, lock, go = collections.Counter(), threading.Lock(), threading.Event()

    def one():
        go.wait()
        req = urllib.request.Request(srv.url + "/jobs", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {srv.token}"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                k = str(r.status)
        except urllib.error.HTTPError as e:
            k = str(e.code)
        except Exception as e:  # noqa: BLE001
            k = type(e).__name__
        with lock:
            out[k] += 1

    threads = [threading.Thread(target=one) for _ in range(args.clients)]
    for t in threads:
        t.start()
    go.set()
    for t in threads:
        t.join()
    srv.close()
    print(json.dumps({"clients": args.clients, "backlog": args.backlog, "max_queued": args.max_queued,
                      "job_seconds": args.job_seconds, "outcomes": dict(out)}))


if __name__ == "__main__":
    main()
