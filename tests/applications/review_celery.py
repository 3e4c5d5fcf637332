"""A real Celery worker on Redis for the notification tests (not eager): broker db 10 or PORTAL_REDIS_URL."""
from __future__ import annotations

import contextlib
import os
import socket
import time

from portal.celery import app

REDIS_URL = os.environ.get("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/10")


def closed_port_url() -> str:
    """A Redis URL where nothing listens: Redis "down"."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/10"


def use_broker(url: str) -> None:
    """Point the app (producers and workers started later) at `url`, dropping pooled connections."""
    app.conf.update(broker_url=url, task_always_eager=False, result_backend=None)
    app._pool = None  # kombu keeps one pool per URL; dropping the reference picks the pool of `url`
    app.amqp._producer_pool = None


def redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001
        return False


@contextlib.contextmanager
def real_worker(concurrency: int = 1):
    """A worker thread consuming the Redis queue, with a clean queue to start from."""
    from celery.contrib.testing.worker import start_worker

    was_eager = app.conf.task_always_eager
    use_broker(REDIS_URL)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")
    try:
        with start_worker(app, pool="solo", concurrency=concurrency, perform_ping_check=False,
                          shutdown_timeout=30) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = was_eager


def wait_until(predicate, timeout: float = 30.0, every: float = 0.1) -> bool:
    from django.db import OperationalError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OperationalError:  # SQLite's shared-cache table lock while the worker writes
            pass
        time.sleep(every)
    return predicate()
