"""Running database work from several threads at the same moment (PostgreSQL race tests)."""

import threading

from django.db import connection


def run_at_once(*attempts):
    """Run each attempt in its own thread and database connection, all released together.
    Returns, per attempt, "ok" or the exception it raised."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, attempt):
        try:
            barrier.wait(timeout=10)
            attempt()
            outcomes[index] = "ok"
        except Exception as exc:  # recorded and asserted on by the caller
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
