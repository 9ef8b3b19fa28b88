"""The engine client's lock (engine/host/fairlock.py): a thread that releases it and asks again at once
does not jump a thread that was already waiting — a chat reply is not starved by the local API's queue."""

from __future__ import annotations

import threading
import time

import pytest

from engine.host.fairlock import FairRLock


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.001)


def test_a_waiting_thread_gets_the_lock_before_the_releaser_gets_it_back():
    lock = FairRLock()
    order: list[str] = []
    lock.acquire()
    order.append("worker")

    def chat():
        with lock:
            order.append("chat")

    t = threading.Thread(target=chat)
    t.start()
    wait_for(lambda: lock.waiting() == 1)        # the chat thread is queued
    lock.release()
    with lock:                                   # the worker's next request, asked for at once
        order.append("worker")
    t.join(10)
    assert order == ["worker", "chat", "worker"]


def test_many_waiters_are_served_in_the_order_they_came():
    lock = FairRLock()
    order: list[int] = []
    lock.acquire()
    threads = []
    for i in range(6):
        t = threading.Thread(target=lambda i=i: (lock.acquire(), order.append(i), lock.release()))
        t.start()
        threads.append(t)
        wait_for(lambda n=i + 1: lock.waiting() == n)
    lock.release()
    for t in threads:
        t.join(10)
    assert order == list(range(6))


def test_re_entrant_and_only_the_owner_releases():
    lock = FairRLock()
    with lock:
        with lock:                               # a request reloading a crashed host from inside itself
            assert lock.waiting() == 0
        errors = []
        t = threading.Thread(target=lambda: errors.append(pytest.raises(RuntimeError, lock.release)))
        t.start()
        t.join(10)
        assert errors
    got = threading.Event()
    t = threading.Thread(target=lambda: (lock.acquire(), got.set(), lock.release()))
    t.start()
    assert got.wait(10)                          # fully released after the outer with
    t.join(10)


def test_a_waiter_that_gives_up_does_not_block_those_after_it():
    lock = FairRLock()
    lock.acquire()

    class Stop(BaseException):
        pass

    stopped = threading.Event()
    # Simulate a KeyboardInterrupt inside the wait: make this waiter's Condition.wait raise.
    real_wait = lock._cond.wait
    first = threading.Event()

    def wait_once_then_raise(*a, **k):
        if threading.current_thread().name == "gives-up" and not first.is_set():
            first.set()
            raise Stop()
        return real_wait(*a, **k)

    lock._cond.wait = wait_once_then_raise

    def gives_up():
        try:
            lock.acquire()
        except Stop:
            stopped.set()

    t1 = threading.Thread(target=gives_up, name="gives-up")
    t1.start()
    t1.join(10)
    assert stopped.is_set()
    got = threading.Event()
    t2 = threading.Thread(target=lambda: (lock.acquire(), got.set(), lock.release()))
    t2.start()
    wait_for(lambda: lock.waiting() == 1)
    lock.release()
    assert got.wait(10)                          # the abandoned turn was skipped
    t2.join(10)
