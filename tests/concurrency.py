"""Running the same operation in several threads at once, for the concurrency tests."""
import threading

from flask import g

from coop_app.extensions import db


def run_at_once(app, n, work):
    """Run work(i) in n threads, each in its own app context and session, released together.
    Returns [("ok", result) or ("error", exception)] in thread order; each thread commits."""
    barrier = threading.Barrier(n, timeout=60)
    results = [None] * n

    def thread(i):
        with app.app_context():
            g.actor_id = None
            try:
                barrier.wait()
                results[i] = ("ok", work(i))
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported back to the test)
                db.session.rollback()
                results[i] = ("error", error)

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    return results
