"""The login throttle's database store on PostgreSQL: what one failed login costs it, with 8
threads at once (as workers of two hosts), against the password check the same attempt pays.

A failed login asks the store twice per limit (test before the view, then hit after it), for
two limits (account, address): four calls. The store is good enough when those four are small
beside one argon2id verification with the app's parameters.

    ZORGTAFEL_BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.throttle
"""

from __future__ import annotations

import contextlib
import statistics
import threading
import time

from argon2.exceptions import VerifyMismatchError

from bench.common import bench_app, scratch_database, write_result
from zorgtafel.auth.passwords import hasher
from zorgtafel.core.throttle_store import SqlStorage

THREADS, ATTEMPTS = 8, 250


def one_failed_login(store: SqlStorage, account: str, address: str) -> None:
    for key in (f"zorgtafel/{account}/auth.login/5/1/minute", f"zorgtafel/{address}/20/1/minute"):
        store.get_moving_window(key, 5, 60)
        store.acquire_entry(key, 10**6, 60)  # never full: every attempt writes


def main() -> None:
    with scratch_database("postgresql") as url, bench_app(url) as app:
        store = SqlStorage(wrap_exceptions=True)
        timings: list[float] = []

        def worker(n: int) -> None:
            with app.app_context():
                for i in range(ATTEMPTS):
                    # half the attempts on one account (a guesser), half spread out
                    account = "hot" if i % 2 else f"a{n}-{i}"
                    started = time.perf_counter()
                    one_failed_login(store, account, f"192.0.2.{n}")
                    timings.append(time.perf_counter() - started)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        with app.app_context():
            password_hash = hasher().hash("correct horse battery staple")
            verify = []
            for _ in range(20):
                begun = time.perf_counter()
                with contextlib.suppress(VerifyMismatchError):  # the measured case
                    hasher().verify(password_hash, "wrong guess")
                verify.append(time.perf_counter() - begun)
        timings.sort()
        result = {
            "failed_logins_per_second": round(len(timings) / wall, 1),
            "store_ms_median": round(statistics.median(timings) * 1000, 2),
            "store_ms_p95": round(timings[int(0.95 * len(timings))] * 1000, 2),
            "argon2_verify_ms_median": round(statistics.median(verify) * 1000, 2),
            "threads": THREADS,
        }
        print(result)
        write_result("throttle", result)


if __name__ == "__main__":
    main()
