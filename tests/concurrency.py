"""Running jobs at the same moment, each on its own thread and database connection."""

import threading

from django.db import connections


def run_at_once(jobs):
    """Run each job in its own thread, released together; return (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def worker(job):
        try:
            barrier.wait(timeout=30)
            outcome = job()
            with lock:
                results.append(outcome)
        except Exception as error:  # collected, and the test fails on them
            with lock:
                errors.append(error)
        finally:
            connections.close_all()  # this thread's connection, not the test's

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a voter thread hung"
    return results, errors
