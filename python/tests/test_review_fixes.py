"""Behaviours fixed after the bindings' review: the veto alert without a
level on TLS 1.3, KeyboardInterrupt from a callback, one-string list
arguments, connections collected through a reference cycle, and output
order when two threads use one connection."""

import gc
import threading
import weakref

import pytest
import wiretls
from conftest import SERVER_NAME, Pair, caps, client_tls, established, server_tls


def test_veto_with_bad_certificate_and_no_level(pki, client_engine, server_engine):
    """The seed's "invoke send_alert() in your verify_callback" with the
    natural alert: bad_certificate without a level is the fatal veto, also
    where the TLS 1.2 rules leave its level open."""
    if not caps(client_engine)["verify_callback"]:
        pytest.skip(f"{client_engine}: capability verify_callback is False (its refusal: test_verify.py)")

    def veto(chain, connection):
        connection.send_alert(wiretls.BAD_CERTIFICATE)

    pair = Pair(client_tls(pki, client_engine), server_tls(pki, server_engine), client_verify=veto).run()
    assert isinstance(pair.c.error, wiretls.CertificateRejectedError), pair.c.errors
    assert pair.client.invalidated


def test_keyboard_interrupt_in_verify_callback_is_not_a_tls_error(pki, engine):
    if not caps(engine)["verify_callback"]:
        pytest.skip(f"{engine}: capability verify_callback is False")

    def interrupted(chain, connection):
        raise KeyboardInterrupt

    c, s = [], []
    server = server_tls(pki, engine).start(s.append)
    client = client_tls(pki, engine).start(c.append, lambda immediate: None, verify_callback=interrupted)
    with pytest.raises(KeyboardInterrupt):
        for _ in range(10):
            while c:
                server.data_from_wire(c.pop(0))
            while s:
                client.data_from_wire(s.pop(0))
    with pytest.raises(wiretls.InvalidatedError):
        client.data_from_application(b"x")


@pytest.mark.parametrize("keyword, value", [("alpn_protocols", "h2"), ("versions", "TLSv1.3"), ("cipher_suites", b"x")])
def test_one_string_where_a_list_belongs_is_a_type_error(pki, keyword, value):
    with pytest.raises(TypeError, match="list"):
        wiretls.ClientTLS(SERVER_NAME, **{keyword: value})


def test_connection_in_a_cycle_is_collected(pki, engine):
    """An asyncio-style protocol that owns its connection, whose callbacks
    are the protocol's bound methods: a cycle the garbage collector breaks."""

    class Protocol:
        def __init__(self):
            self.conn = server_tls(pki, engine).start(self.write, None, self.close)

        def write(self, data):
            pass

        def close(self, immediate):
            pass

    p = Protocol()
    alive = weakref.ref(p)
    del p
    gc.collect()
    assert alive() is None, "the protocol and its connection were not collected"


def test_two_threads_writing_keep_the_record_order(pki, client_engine, server_engine):
    """Two threads call data_from_application on one connection: every
    record reaches the wire in the order the engine sealed it, so the peer
    decrypts all of it."""
    pair = established(pki, client_engine, server_engine)

    def run(tag):
        for i in range(200):
            pair.client.data_from_application(bytes([tag]) * 1000)

    # Re-route the client's output: its write callback is the End's; read it
    # from the End after both threads end (the End keeps call order).
    threads = [threading.Thread(target=run, args=(t,)) for t in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive()
    data = pair.c.take()
    got = pair.server.data_from_wire(data)
    assert len(got) == 400 * 1000
    assert sorted(set(got)) == [1, 2]
