"""Certificate stores implemented in Python: ServerCertificates subclasses
answering now, later, from a thread, twice, None; SNIServerCertificates;
ClientCertificateStore subclasses."""

import threading
import time

import pytest

import wiretls
from conftest import (
    pair_or_refusal,
    SERVER_NAME,
    End,
    Pair,
    assert_unsupported,
    caps,
    client_auth_server,
    client_tls,
    expected_server_path,
)


class ServerStore(wiretls.ServerCertificates):
    """Answers with ``chain`` now (``mode="now"``), keeps the callback
    (``"keep"``), answers from a thread after ``delay`` (``"thread"``),
    answers twice (``"twice"``), answers None (``"none"``), or raises."""

    def __init__(self, chain, mode="now", delay=0.05, error=None):
        super().__init__()
        self.chain = chain
        self.mode = mode
        self.delay = delay
        self.error = error
        self.asked = []
        self.callbacks = []
        self.results = []
        self.asked_at = None
        self.answered_at = None
        self.thread = None
        self.answer_thread = None

    def get_certificate_chain_for_server_name(self, server_name, certificate_chain_callback):
        self.asked.append(server_name)
        self.asked_at = time.monotonic()
        self.callbacks.append(certificate_chain_callback)
        if self.error is not None:
            raise self.error
        if self.mode == "now":
            certificate_chain_callback(self.chain)
        elif self.mode == "none":
            certificate_chain_callback(None)
        elif self.mode == "twice":
            certificate_chain_callback(self.chain)
            for again in (self.chain, None):
                try:
                    certificate_chain_callback(again)
                    self.results.append(None)
                except wiretls.TLSError as e:
                    self.results.append(e)
        elif self.mode == "thread":

            def answer():
                time.sleep(self.delay)
                self.answered_at = time.monotonic()
                self.answer_thread = threading.get_ident()
                try:
                    certificate_chain_callback(self.chain)
                    self.results.append(None)
                except BaseException as e:  # recorded for the test thread
                    self.results.append(e)

            self.thread = threading.Thread(target=answer, daemon=True)
            self.thread.start()
        # "keep": the test answers.
        return None


def start_store_pair(pki, client_engine, server_engine, store, client=None, **server_kw):
    """The pair, or None when the server engine declares no own stores
    (after asserting the typed refusal)."""
    client = client or client_tls(pki, client_engine)
    server = wiretls.ServerTLS(store, engine=server_engine, **server_kw)
    if not caps(server_engine)["server_certificate_stores"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            Pair(client, server)
        assert_unsupported(excinfo, server_engine, "store")
        assert store.asked == []
        return None
    return Pair(client, server)


def assert_server_chain(pki, pair, name="server-p256.pem"):
    assert pair.client.peer_certificates[0] == pki.chain(name)[0]


def test_store_answers_synchronously(pki, client_engine, server_engine):
    store = ServerStore(set(pki.chain()))
    pair = start_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.handshake()
    assert store.asked == [SERVER_NAME.encode("ascii")]
    assert isinstance(store.asked[0], bytes)
    assert_server_chain(pki, pair)
    assert store.callbacks[0].answered
    assert store.callbacks[0].roots is None
    pair.client_sends(b"ping")
    assert pair.s.received == b"ping"


def test_store_gets_none_without_sni(pki, client_engine, server_engine):
    store = ServerStore(pki.chain())
    pair = start_store_pair(
        pki, client_engine, server_engine, store, client=client_tls(pki, client_engine, name="127.0.0.1")
    )
    if pair is None:
        return
    pair.handshake()
    assert store.asked == [None]


def test_store_answers_later_same_thread(pki, client_engine, server_engine):
    store = ServerStore(pki.chain(), mode="keep")
    pair = start_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.run()
    assert len(store.callbacks) == 1
    if not caps(server_engine)["later_server_certificate_answer"]:
        assert_unsupported(pair.s.error, server_engine)
        with pytest.raises(wiretls.InvalidatedError):
            store.callbacks[0](pki.chain())
        return
    assert pair.server.is_waiting_for_store
    assert pair.s.out == [] and pair.s.writes == 0, "the server wrote before the store answered"
    assert pair.client.is_handshaking
    assert not store.callbacks[0].answered
    store.callbacks[0](pki.chain())
    assert store.callbacks[0].answered
    assert pair.s.out, "the handshake went on inside the callback call"
    pair.handshake()
    assert_server_chain(pki, pair)


def test_store_dropping_its_callback_answers_none(pki, client_engine, server_engine):
    class Forgetful(wiretls.ServerCertificates):
        def __init__(self):
            super().__init__()
            self.asked = []

        def get_certificate_chain_for_server_name(self, server_name, certificate_chain_callback):
            self.asked.append(server_name)  # and the callback is dropped

    store = Forgetful()
    pair = start_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    import gc

    pair.run()
    gc.collect()
    pair.run()
    if pair.s.error is None:
        with pytest.raises(wiretls.NoServerCertificateError):
            pair.server.data_from_wire(b"")
        pair.run()
    else:
        assert isinstance(pair.s.error, wiretls.NoServerCertificateError), pair.s.errors
    assert isinstance(pair.c.error, wiretls.TLSAlertError), pair.c.errors
    assert pair.c.error.alert_code == wiretls.UNRECOGNIZED_NAME


def test_failure_after_later_answer_comes_from_next_call(pki, client_engine, server_engine):
    """Peer bytes kept while the store waits are processed after the
    answer; their fault does not make the callback call raise: the next
    call on the connection does, then InvalidatedError."""
    store = ServerStore(pki.chain(), mode="keep")
    pair = start_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.deliver(True)  # the ClientHello
    assert pair.server.is_waiting_for_store
    assert pair.server.data_from_wire(bytes([0x63, 3, 3, 0, 3, 1, 2, 3])) == b"", "kept while waiting"
    store.callbacks[0](pki.chain())  # does not raise
    with pytest.raises(wiretls.BadTLSDataError) as excinfo:
        pair.server.data_from_wire(b"")
    assert excinfo.value.alert_sent is not None
    with pytest.raises(wiretls.InvalidatedError):
        pair.server.data_from_wire(b"")
    assert pair.s.closes == [False]


def test_store_answers_later_from_a_thread(pki, client_engine, server_engine):
    store = ServerStore(pki.chain(), mode="thread", delay=0.05)
    pair = start_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.run()
    store.thread.join(timeout=30)
    assert not store.thread.is_alive(), "the answering thread hung"
    if not caps(server_engine)["later_server_certificate_answer"]:
        assert_unsupported(pair.s.error, server_engine)
        assert isinstance(store.results[0], wiretls.InvalidatedError)
        return
    assert store.results == [None]
    assert store.answered_at - store.asked_at >= 0.04
    # The handshake went on inside the callback call, on the store's thread.
    assert pair.s.out, "the server's flight was written by the answer"
    assert pair.s.write_threads[-1] == store.answer_thread
    pair.handshake()
    assert_server_chain(pki, pair)
    pair.client_sends(b"after a slow store")
    assert pair.s.received == b"after a slow store"


def test_store_answering_twice_is_invalidated(pki, client_engine, server_engine):
    store = ServerStore(pki.chain(), mode="twice")
    pair = start_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.handshake()
    assert len(store.results) == 2
    for e in store.results:
        assert isinstance(e, wiretls.InvalidatedError), store.results
        assert e.reason == "already_answered"
    assert_server_chain(pki, pair)


def test_store_answering_none(pki, client_engine, server_engine):
    store = ServerStore(None, mode="none")
    pair = start_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.run()
    e = pair.s.error
    assert isinstance(e, wiretls.NoServerCertificateError), pair.s.errors
    assert e.alert_sent == wiretls.UNRECOGNIZED_NAME
    assert isinstance(pair.c.error, wiretls.TLSAlertError), pair.c.errors
    assert pair.c.error.alert_code == wiretls.UNRECOGNIZED_NAME
    with pytest.raises(wiretls.InvalidatedError):
        pair.server.data_from_application(b"x")


def test_store_answering_none_without_sni(pki, client_engine, server_engine):
    store = ServerStore(None, mode="none")
    client = client_tls(pki, client_engine, name="127.0.0.1")
    pair = start_store_pair(pki, client_engine, server_engine, store, client=client)
    if pair is None:
        return
    pair.run()
    assert isinstance(pair.s.error, wiretls.NoServerCertificateError), pair.s.errors
    assert pair.s.error.alert_sent == wiretls.HANDSHAKE_FAILURE
    assert pair.c.error.alert_code == wiretls.HANDSHAKE_FAILURE


def test_store_raising_is_callback_error(pki, client_engine, server_engine):
    boom = KeyError("no such tenant")
    store = ServerStore(pki.chain(), error=boom)
    pair = start_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.run()
    e = pair.s.error
    assert isinstance(e, wiretls.CallbackError), pair.s.errors
    assert e.__cause__ is boom
    assert isinstance(pair.c.error, wiretls.TLSAlertError), pair.c.errors
    assert pair.c.error.alert_code == wiretls.INTERNAL_ERROR
    with pytest.raises(wiretls.InvalidatedError):
        pair.server.data_from_wire(b"x")


@pytest.mark.parametrize(
    "bad, error",
    [
        ("server-p256.crt", wiretls.LeafCertificateHasNoPrivateKeyError),
        ("root-and-inter-ca.pem", wiretls.NoLeafCertificateError),
        ("two-leaves", wiretls.MoreThanOneLeafCertificateError),
    ],
)
def test_bad_answer_raises_and_does_not_count(pki, client_engine, server_engine, bad, error):
    if bad == "two-leaves":
        answer = set(pki.chain("server-p256.pem")) | set(pki.chain("server-p384.pem"))
    else:
        answer = pki.certs(bad)

    class BadThenGood(wiretls.ServerCertificates):
        def __init__(self):
            super().__init__()
            self.asked = []
            self.refusal = None
            self.answered_after_refusal = None

        def get_certificate_chain_for_server_name(self, server_name, certificate_chain_callback):
            self.asked.append(server_name)
            try:
                certificate_chain_callback(answer)
            except wiretls.TLSError as e:
                self.refusal = e
            self.answered_after_refusal = certificate_chain_callback.answered
            certificate_chain_callback(pki.chain())

    store = BadThenGood()
    pair = start_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.handshake()
    assert isinstance(store.refusal, error), repr(store.refusal)
    assert store.answered_after_refusal is False, "a refused answer does not count"
    assert_server_chain(pki, pair)


def test_async_store_without_running_loop_is_callback_error(pki, client_engine, server_engine):
    class AsyncStore(wiretls.ServerCertificates):
        async def get_certificate_chain_for_server_name(self, server_name, certificate_chain_callback):
            certificate_chain_callback(pki.chain())

    server = wiretls.ServerTLS(AsyncStore(), engine=server_engine)
    client = client_tls(pki, client_engine)
    pair = pair_or_refusal(client, server, server_engine, "server_certificate_stores")
    if pair is None:
        return
    pair = pair.run()
    assert isinstance(pair.s.error, wiretls.CallbackError), pair.s.errors


# ------------------------------------------------------------- SNI store


def sni_store(pki, default=True):
    certs = set(pki.chain("sni-alpha.pem")) | set(pki.chain("sni-beta-wildcard.pem"))
    return wiretls.SNIServerCertificates(certs, default=set(pki.chain()) if default else set())


@pytest.mark.parametrize(
    "name, fixture",
    [
        ("alpha.wiretls.test", "sni-alpha.pem"),
        ("ALPHA.wiretls.test", "sni-alpha.pem"),
        ("www.beta.wiretls.test", "sni-beta-wildcard.pem"),
        (SERVER_NAME, "server-p256.pem"),
        ("127.0.0.1", "server-p256.pem"),
    ],
    ids=["exact", "exact_case", "wildcard", "default", "no_sni_default"],
)
def test_sni_selects(pki, client_engine, server_engine, name, fixture):
    server = wiretls.ServerTLS(sni_store(pki), engine=server_engine)
    client = client_tls(pki, client_engine, name=name)
    pair = pair_or_refusal(client, server, server_engine, "server_certificate_stores")
    if pair is None:
        return
    pair = pair.handshake()
    assert pair.client.peer_certificates[0] == pki.chain(fixture)[0]
    if name == "127.0.0.1":
        assert pair.server.server_name is None
    else:
        assert pair.server.server_name.lower() == name.lower()


def test_sni_unknown_name_without_default(pki, client_engine, server_engine):
    server = wiretls.ServerTLS(sni_store(pki, default=False), engine=server_engine)
    client = client_tls(pki, client_engine)
    pair = pair_or_refusal(client, server, server_engine, "server_certificate_stores")
    if pair is None:
        return
    pair = pair.run()
    assert isinstance(pair.s.error, wiretls.NoServerCertificateError), pair.s.errors
    assert pair.s.error.alert_sent == wiretls.UNRECOGNIZED_NAME
    assert isinstance(pair.c.error, wiretls.TLSAlertError), pair.c.errors
    assert pair.c.error.alert_code == wiretls.UNRECOGNIZED_NAME
    with pytest.raises(wiretls.InvalidatedError):
        pair.server.data_from_application(b"x")


def test_sni_select_without_engine(pki):
    store = sni_store(pki)
    alpha = pki.chain("sni-alpha.pem")
    assert store.select(b"alpha.wiretls.test")[0] == alpha[0]
    assert store.select("alpha.wiretls.test")[0] == alpha[0]
    assert store.select("www.beta.wiretls.test")[0] == pki.chain("sni-beta-wildcard.pem")[0]
    assert store.select("a.b.beta.wiretls.test")[0] == pki.chain()[0], "a wildcard covers one label"
    assert store.select("elsewhere.test")[0] == pki.chain()[0]
    assert store.select(None)[0] == pki.chain()[0]
    assert sni_store(pki, default=False).select("elsewhere.test") is None


# ---------------------------------------------------------- client store


class ClientStore(wiretls.ClientCertificateStore):
    """Answers with ``chain``; records the roots it was asked with and
    what its answers raised. ``fallback``: answer None after a refusal."""

    def __init__(self, chain, fallback=True, later=False):
        super().__init__()
        self.chain = chain
        self.fallback = fallback
        self.later = later
        self.roots = []
        self.defaults = 0
        self.results = []
        self.callbacks = []
        self.thread = None

    def _answer(self, cb):
        self.callbacks.append(cb)
        if self.later:
            def answer():
                time.sleep(0.05)
                try:
                    cb(self.chain)
                    self.results.append(None)
                except BaseException as e:
                    self.results.append(e)

            self.thread = threading.Thread(target=answer, daemon=True)
            self.thread.start()
            return
        try:
            cb(self.chain)
            self.results.append(None)
        except wiretls.TLSError as e:
            self.results.append(e)
            if self.fallback:
                cb(None)

    def get_certificate_chain_for_roots(self, roots, certificate_chain_callback):
        self.roots.append(roots)
        self._answer(certificate_chain_callback)

    def get_default_certificate_chain(self, certificate_chain_callback):
        self.defaults += 1
        self._answer(certificate_chain_callback)


def client_store_pair(pki, client_engine, server_engine, store, server_verify=None):
    client = client_tls(pki, client_engine, client_certificate_store=store)
    server = client_auth_server(pki, server_engine)
    if not caps(server_engine)["client_auth"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            Pair(client, server, server_verify=server_verify)
        assert_unsupported(excinfo, server_engine)
        return None
    return Pair(client, server, server_verify=server_verify)


def test_client_store_answers_with_client1(pki, client_engine, server_engine):
    store = ClientStore(set(pki.chain("client1.pem")))
    seen = []
    pair = client_store_pair(
        pki, client_engine, server_engine, store, server_verify=lambda chain, conn: seen.append(chain)
    )
    if pair is None:
        return
    pair.handshake()
    assert store.results == [None]
    if caps(client_engine)["client_certificate_roots"]:
        assert store.defaults == 0
        assert len(store.roots) == 1
        roots = store.roots[0]
        assert isinstance(roots, frozenset) and roots
        assert all(isinstance(r, bytes) for r in roots)
        # The client root's subject DN, as DER, is inside its certificate.
        client_root = pki.ders("client-root-ca.pem")[0]
        assert any(r in client_root for r in roots)
        assert store.callbacks[0].roots == roots
    else:
        assert store.defaults == 1 and store.roots == []
    assert pair.server.peer_certificates[0] == pki.chain("client1.pem")[0]
    assert len(seen) == 1
    assert [c.get_asn1_bytes() for c in seen[0]] == expected_server_path(
        pki, chain="client1.pem", root="client-root-ca.pem"
    )
    pair.client_sends(b"authenticated")
    assert pair.s.received == b"authenticated"


def test_client_store_wrong_chain_is_no_certificate_chain(pki, client_engine, server_engine):
    if not caps(client_engine)["client_certificate_roots"]:
        pytest.skip(f"{client_engine}: client_certificate_roots is false, the store gets no roots to chain to")
    store = ClientStore(pki.chain("client2.pem"), fallback=True)
    pair = client_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.run()
    assert len(store.results) == 1
    assert isinstance(store.results[0], wiretls.NoCertificateChainError), store.results
    # The store then answered None: the server refuses a client without a certificate.
    e = pair.s.error
    assert isinstance(e, wiretls.BadTLSDataError), pair.s.errors
    assert e.kind == "missing_certificate"
    assert e.alert_sent in (wiretls.CERTIFICATE_REQUIRED, wiretls.HANDSHAKE_FAILURE)
    assert isinstance(pair.c.error, wiretls.TLSAlertError), pair.c.errors
    assert pair.c.error.alert_code == e.alert_sent


def test_client_store_answering_twice(pki, client_engine, server_engine):
    class Twice(wiretls.ClientCertificateStore):
        def __init__(self):
            super().__init__()
            self.second = None

        def _answer(self, cb):
            cb(pki.chain("client1.pem"))
            try:
                cb(None)
            except wiretls.InvalidatedError as e:
                self.second = e

        def get_certificate_chain_for_roots(self, roots, certificate_chain_callback):
            self._answer(certificate_chain_callback)

        def get_default_certificate_chain(self, certificate_chain_callback):
            self._answer(certificate_chain_callback)

    store = Twice()
    pair = client_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.handshake()
    assert isinstance(store.second, wiretls.InvalidatedError)
    assert store.second.reason == "already_answered"
    assert pair.server.peer_certificates[0] == pki.chain("client1.pem")[0]


def test_client_store_answering_later(pki, client_engine, server_engine):
    store = ClientStore(pki.chain("client1.pem"), later=True)
    client = client_tls(pki, client_engine, client_certificate_store=store)
    server = client_auth_server(pki, server_engine)
    if not caps(server_engine)["client_auth"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            Pair(client, server)
        assert_unsupported(excinfo, server_engine)
        return
    later = caps(client_engine)["later_client_certificate_answer"]
    try:
        pair = Pair(client, server)
    except wiretls.UnsupportedError as e:
        # A store asked at start (no client_certificate_roots) that does not
        # answer there: refused by start itself.
        assert not later
        assert_unsupported(e, client_engine)
        pair = None
    else:
        pair.run()
    assert store.thread is not None, "the store was asked"
    store.thread.join(timeout=30)
    assert not store.thread.is_alive()
    if later:
        assert store.results == [None]
        pair.handshake()
        assert pair.server.peer_certificates[0] == pki.chain("client1.pem")[0]
        return
    assert isinstance(store.results[0], wiretls.InvalidatedError), store.results
    assert store.results[0].reason == "abandoned"
    if pair is not None:
        assert_unsupported(pair.c.error, client_engine)
        with pytest.raises(wiretls.InvalidatedError):
            pair.client.data_from_application(b"x")


def test_client_store_answering_none_is_refused(pki, client_engine, server_engine):
    store = ClientStore(None)
    pair = client_store_pair(pki, client_engine, server_engine, store)
    if pair is None:
        return
    pair.run()
    assert isinstance(pair.s.error, wiretls.BadTLSDataError), pair.s.errors
    assert pair.s.error.kind == "missing_certificate"
    assert isinstance(pair.c.error, wiretls.TLSAlertError)


def test_optional_client_auth_without_store(pki, client_engine, server_engine):
    server = wiretls.ServerTLS(
        wiretls.ServerCertificateChain(pki.chain()),
        engine=server_engine,
        client_auth="optional",
        client_trust_root=pki.trust("client-root-ca.pem"),
    )
    client = client_tls(pki, client_engine)
    if not caps(server_engine)["client_auth"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            Pair(client, server)
        assert_unsupported(excinfo, server_engine)
        return
    pair = Pair(client, server).handshake()
    assert pair.server.peer_certificates == []


def test_client_auth_without_trust_root_is_configuration_error(pki, engine):
    expected = wiretls.ConfigurationError
    if not caps(engine)["client_auth"]:
        expected = (wiretls.ConfigurationError, wiretls.UnsupportedError)
    with pytest.raises(expected):
        wiretls.ServerTLS(
            wiretls.ServerCertificateChain(pki.chain()), engine=engine, client_auth="required"
        ).start(End("s").write)
