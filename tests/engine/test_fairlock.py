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


def test_a_waiter_asked_to_give_up_returns_false_and_keeps_the_order_of_the_others():
    """A chat reply queued behind the local API's request can be Stopped while it waits."""
    lock = FairRLock()
    lock.acquire()                               # the API's request is running
    order: list[str] = []
    stop = threading.Event()
    result: dict[str, bool] = {}

    def chat():
        result["chat"] = lock.acquire(cancelled=stop.is_set)
        if result["chat"]:
            lock.release()

    def later():
        with lock:
            order.append("later")

    t1 = threading.Thread(target=chat)
    t1.start()
    wait_for(lambda: lock.waiting() == 1)
    t2 = threading.Thread(target=later)
    t2.start()
    wait_for(lambda: lock.waiting() == 2)
    stop.set()                                   # Stop pressed while the API's request still runs
    t1.join(10)
    assert not t1.is_alive() and result == {"chat": False}
    assert lock.waiting() == 1 and lock._owner == threading.get_ident()   # still ours, one waiter left
    lock.release()
    t2.join(10)
    assert order == ["later"]                    # the given-up turn was skipped
    assert lock.acquire(cancelled=lambda: True)  # a free lock is taken even by a cancellable waiter's check
    lock.release()


def test_an_interrupt_right_after_the_wait_hands_the_turn_on():
    """A KeyboardInterrupt can land after the waiter's turn came (the wait loop is left) but before the lock
    is marked as its own: the turn must be handed on, or every later waiter waits forever."""
    import inspect
    import sys

    class Interrupt(BaseException):
        pass

    code = FairRLock.acquire.__code__
    source, first = inspect.getsourcelines(FairRLock.acquire)
    while_line = first + next(i for i, ln in enumerate(source) if ln.strip().startswith("while "))
    lock = FairRLock()
    lock.acquire()
    outcome: list[str] = []

    def interrupted_waiter():
        last = [0]

        def local(frame, event, arg):
            if event == "line":
                came, last[0] = last[0], frame.f_lineno
                # The first line after the wait loop's test found it is this thread's turn.
                if came == while_line and frame.f_lineno != while_line and "ticket" in frame.f_locals \
                        and lock._owner is None and lock._serving == frame.f_locals["ticket"]:
                    raise Interrupt()
            return local

        sys.settrace(lambda frame, event, arg: local if frame.f_code is code else None)
        try:
            lock.acquire()
            outcome.append("acquired")
        except Interrupt:
            outcome.append("interrupted")
        finally:
            sys.settrace(None)

    t = threading.Thread(target=interrupted_waiter)
    t.start()
    wait_for(lambda: lock.waiting() == 1)
    lock.release()                               # its turn comes; the interrupt lands as it takes it
    t.join(10)
    assert outcome == ["interrupted"]
    assert lock._owner is None and lock.waiting() == 0
    other = threading.Thread(target=lambda: (lock.acquire(), lock.release()), daemon=True)
    other.start()
    other.join(10)
    assert not other.is_alive(), "the interrupted waiter's turn was never handed on"
