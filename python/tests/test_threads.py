"""The GIL: connections work concurrently in threads without deadlock."""

import threading
import time

import pytest

import wiretls
from conftest import Pair, caps, client_tls, established, pattern

JOIN_TIMEOUT = 120


def bulk(pki, client_engine, server_engine, results, key, rounds=4, size=1 << 20):
    try:
        pair = established(pki, client_engine, server_engine)
        for i in range(rounds):
            up, down = pattern(size, i), pattern(size, 50 + i)
            pair.client_sends(up)
            pair.server_sends(down)
            assert pair.s.received == up and pair.c.received == down
            pair.s.received.clear()
            pair.c.received.clear()
        pair.client.application_finished()
        pair.run()
        assert pair.c.closes == [False] and pair.s.closes == [False]
        results[key] = True
    except BaseException as e:  # reported by the test thread
        results[key] = e


def run_threads(targets):
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    deadline = time.monotonic() + JOIN_TIMEOUT
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"


def test_two_bulk_transfers_in_two_threads(pki, client_engine, server_engine):
    results = {}
    run_threads(
        [
            lambda: bulk(pki, client_engine, server_engine, results, "a"),
            lambda: bulk(pki, server_engine, client_engine, results, "b"),
        ]
    )
    assert results == {"a": True, "b": True}, results


def test_python_thread_runs_while_connections_work(pki, engine):
    """A pure-Python thread keeps making progress while two threads move
    bulk data: the GIL is released around the engine's work."""
    results = {}
    stop = threading.Event()
    ticks = []

    def ticker():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    tick = threading.Thread(target=ticker, daemon=True)
    tick.start()
    try:
        run_threads(
            [
                lambda: bulk(pki, engine, engine, results, "a", rounds=2),
                lambda: bulk(pki, engine, engine, results, "b", rounds=2),
            ]
        )
    finally:
        stop.set()
        tick.join(timeout=5)
    assert results == {"a": True, "b": True}, results
    # Liveness only: how many ticks fit depends on the machine's speed, and
    # timing is the benchmarks' business, not the tests'.
    assert ticks


def test_store_answer_from_thread_while_other_thread_feeds(pki, engine):
    """One thread answers the store while another keeps calling
    data_from_wire on the same connection: no deadlock, one handshake."""
    if not (caps(engine)["server_certificate_stores"] and caps(engine)["later_server_certificate_answer"]):
        server = wiretls.ServerTLS(wiretls.SNIServerCertificates(set(pki.chain())), engine=engine)
        with pytest.raises(wiretls.UnsupportedError):
            Pair(client_tls(pki, "rustls"), server)
        return

    callbacks = []
    asked = threading.Event()

    class Keep(wiretls.ServerCertificates):
        def get_certificate_chain_for_server_name(self, server_name, cb):
            callbacks.append(cb)
            asked.set()

    pair = Pair(client_tls(pki, "rustls"), wiretls.ServerTLS(Keep(), engine=engine))
    pair.deliver(True)  # the ClientHello
    assert asked.is_set() and pair.server.is_waiting_for_store
    results = {}
    done = threading.Event()

    def feeder():
        try:
            n = 0
            while not done.is_set() and n < 100_000:
                assert pair.server.data_from_wire(b"") == b""
                n += 1
            results["feeder"] = n
        except BaseException as e:
            results["feeder"] = e

    def answerer():
        try:
            time.sleep(0.02)
            callbacks[0](pki.chain())
            results["answer"] = True
        except BaseException as e:
            results["answer"] = e
        finally:
            done.set()

    run_threads([feeder, answerer])
    assert results["answer"] is True, results
    assert isinstance(results["feeder"], int), results
    pair.handshake()
    pair.client_sends(b"after the race")
    assert pair.s.received == b"after the race"
