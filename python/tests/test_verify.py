"""verify_callback and the built-in checks it never overrides."""

import pytest

import wiretls
from conftest import (
    SERVER_NAME,
    Pair,
    assert_unsupported,
    caps,
    client_auth_server,
    client_tls,
    expected_server_path,
    server_tls,
)


class Recorder:
    """A verify_callback recording its calls, optionally raising or
    sending an alert through the connection."""

    def __init__(self, raise_=None, alert=None, returns=None):
        self.calls = []
        self.raise_ = raise_
        self.alert = alert
        self.returns = returns

    def __call__(self, certificates, connection):
        self.calls.append((list(certificates), connection))
        if self.alert is not None:
            connection.send_alert(self.alert)
        if self.raise_ is not None:
            raise self.raise_
        return self.returns


def start_pair_with_client_verify(pki, client_engine, server_engine, cb, client=None, server=None):
    """The pair, or None when the client engine declares no verify callback
    (after asserting the typed refusal)."""
    client = client or client_tls(pki, client_engine)
    server = server or server_tls(pki, server_engine)
    if not caps(client_engine)["verify_callback"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            Pair(client, server, client_verify=cb)
        assert_unsupported(excinfo, client_engine, "verify")
        assert cb.calls == []
        return None
    return Pair(client, server, client_verify=cb)


def test_called_once_leaf_first_ending_root_most(pki, client_engine, server_engine):
    cb = Recorder()
    pair = start_pair_with_client_verify(pki, client_engine, server_engine, cb)
    if pair is None:
        return
    pair.handshake()
    pair.client_sends(b"ping")
    pair.server_sends(b"pong")
    assert len(cb.calls) == 1
    chain, connection = cb.calls[0]
    assert all(isinstance(c, wiretls.Certificate) for c in chain)
    assert [c.get_asn1_bytes() for c in chain] == expected_server_path(pki)
    # get_asn1_bytes is the PEM's DER, decoded independently.
    assert chain[0].get_asn1_bytes() == pki.ders("server-p256.pem")[0]
    assert chain[1].get_asn1_bytes() == pki.ders("inter-ca.pem")[0]
    assert chain[-1].get_asn1_bytes() == pki.ders("root-ca.pem")[0]
    assert chain[0].is_leaf and chain[-1].is_ca
    assert isinstance(connection, wiretls.Connection)
    assert connection is pair.client
    assert connection.side == "client"


def test_return_value_is_ignored(pki, client_engine, server_engine):
    cb = Recorder(returns=False)
    pair = start_pair_with_client_verify(pki, client_engine, server_engine, cb)
    if pair is None:
        return
    pair.handshake()
    assert len(cb.calls) == 1


def test_raising_rejects_then_invalidates(pki, client_engine, server_engine):
    boom = ValueError("not this one")
    cb = Recorder(raise_=boom)
    pair = start_pair_with_client_verify(pki, client_engine, server_engine, cb)
    if pair is None:
        return
    pair.server.data_from_application(b"secret")
    pair.run()
    assert len(cb.calls) == 1
    e = pair.c.error
    assert isinstance(e, wiretls.CertificateRejectedError), pair.c.errors
    assert e.__cause__ is boom
    assert e.alert_sent == wiretls.BAD_CERTIFICATE
    assert isinstance(pair.s.error, wiretls.TLSAlertError), pair.s.errors
    assert pair.s.error.alert_code == wiretls.BAD_CERTIFICATE
    assert pair.c.received == b"", "data reached a rejected client"
    assert pair.c.closes == [False] and pair.s.closes == [True]
    with pytest.raises(wiretls.InvalidatedError) as excinfo:
        pair.client.data_from_application(b"x")
    assert excinfo.value.reason == "previous_error"
    with pytest.raises(wiretls.InvalidatedError):
        pair.client.data_from_wire(b"")


def test_send_alert_in_callback_vetoes_with_that_alert(pki, client_engine, server_engine):
    cb = Recorder(alert=wiretls.ACCESS_DENIED)
    pair = start_pair_with_client_verify(pki, client_engine, server_engine, cb)
    if pair is None:
        return
    pair.run()
    assert len(cb.calls) == 1
    e = pair.c.error
    assert isinstance(e, wiretls.CertificateRejectedError), pair.c.errors
    declared = caps(client_engine)["verify_alerts"]
    if wiretls.ACCESS_DENIED in declared:
        assert e.alert_sent == wiretls.ACCESS_DENIED
    else:
        # The nearest alert the engine can send, declared, and said.
        assert e.alert_sent in declared, (e.alert_sent, declared)
    assert isinstance(pair.s.error, wiretls.TLSAlertError), pair.s.errors
    assert pair.s.error.alert_code == e.alert_sent
    with pytest.raises(wiretls.InvalidatedError):
        pair.client.data_from_application(b"x")


def builtin_failure(pki, client_engine, server_engine, with_callback, client, server):
    cb = Recorder()
    if with_callback:
        pair = start_pair_with_client_verify(pki, client_engine, server_engine, cb, client, server)
        if pair is None:
            return None
    else:
        pair = Pair(client, server)
    pair.run()
    e = pair.c.error
    assert isinstance(e, wiretls.PeerCertificateError), pair.c.errors
    assert isinstance(e, wiretls.BadTLSDataError)
    assert cb.calls == [], "verify_callback runs only after the built-in checks passed"
    assert isinstance(pair.s.error, wiretls.TLSAlertError), pair.s.errors
    assert pair.s.error.alert_code == e.alert_sent, "the server got the alert the client sent"
    with pytest.raises(wiretls.InvalidatedError):
        pair.client.data_from_application(b"x")
    with pytest.raises(wiretls.InvalidatedError):
        pair.server.data_from_wire(b"x")
    assert pair.c.received == b"" and pair.s.received == b""
    return e


@pytest.mark.parametrize("with_callback", [False, True], ids=["builtin", "with_callback"])
def test_unknown_issuer(pki, client_engine, server_engine, with_callback):
    client = client_tls(pki, client_engine, trust="other-root-ca.pem")
    e = builtin_failure(pki, client_engine, server_engine, with_callback, client, server_tls(pki, server_engine))
    if e is not None:
        assert e.problem == "unknown_issuer"
        assert e.alert_sent in (wiretls.UNKNOWN_CA, wiretls.BAD_CERTIFICATE), e.alert_sent


@pytest.mark.parametrize("with_callback", [False, True], ids=["builtin", "with_callback"])
def test_untrusted_server_chain(pki, client_engine, server_engine, with_callback):
    server = server_tls(pki, server_engine, chain="server-untrusted.pem")
    e = builtin_failure(pki, client_engine, server_engine, with_callback, client_tls(pki, client_engine), server)
    if e is not None:
        assert e.problem == "unknown_issuer"
        assert e.alert_sent == wiretls.UNKNOWN_CA


@pytest.mark.parametrize("with_callback", [False, True], ids=["builtin", "with_callback"])
def test_wrong_host_name(pki, client_engine, server_engine, with_callback):
    client = client_tls(pki, client_engine, name="elsewhere.wiretls.test")
    e = builtin_failure(pki, client_engine, server_engine, with_callback, client, server_tls(pki, server_engine))
    if e is not None:
        assert e.problem == "name_mismatch"
        assert e.alert_sent == wiretls.BAD_CERTIFICATE


@pytest.mark.parametrize("with_callback", [False, True], ids=["builtin", "with_callback"])
def test_expired(pki, client_engine, server_engine, with_callback):
    server = server_tls(pki, server_engine, chain="server-expired.pem")
    e = builtin_failure(pki, client_engine, server_engine, with_callback, client_tls(pki, client_engine), server)
    if e is not None:
        assert e.problem == "expired"
        assert e.alert_sent == wiretls.CERTIFICATE_EXPIRED


def test_default_trust_root_does_not_know_the_test_root(pki, client_engine, server_engine):
    client = wiretls.ClientTLS(SERVER_NAME, engine=client_engine)
    pair = Pair(client, server_tls(pki, server_engine)).run()
    assert isinstance(pair.c.error, wiretls.PeerCertificateError), pair.c.errors
    assert pair.c.error.problem == "unknown_issuer"


class ClientChainStore(wiretls.ClientCertificateStore):
    def __init__(self, chain):
        super().__init__()
        self.chain = chain

    def get_certificate_chain_for_roots(self, roots, certificate_chain_callback):
        certificate_chain_callback(self.chain)

    def get_default_certificate_chain(self, certificate_chain_callback):
        certificate_chain_callback(self.chain)


def test_server_verify_callback_sees_client_chain(pki, client_engine, server_engine):
    client = client_tls(
        pki, client_engine, client_certificate_store=ClientChainStore(set(pki.chain("client1.pem")))
    )
    server = client_auth_server(pki, server_engine)
    cb = Recorder()
    if not caps(server_engine)["client_auth"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            Pair(client, server, server_verify=cb)
        assert_unsupported(excinfo, server_engine, ("client_auth", "verify"))
        return
    pair = Pair(client, server, server_verify=cb).handshake()
    assert len(cb.calls) == 1
    chain, connection = cb.calls[0]
    assert [c.get_asn1_bytes() for c in chain] == expected_server_path(
        pki, chain="client1.pem", root="client-root-ca.pem"
    )
    assert connection is pair.server
    assert connection.side == "server"


def test_server_verify_callback_veto(pki, client_engine, server_engine):
    if not caps(server_engine)["client_auth"]:
        pytest.skip(f"{server_engine}: capabilities client_auth is false (asserted above)")
    client = client_tls(
        pki, client_engine, client_certificate_store=ClientChainStore(pki.chain("client1.pem"))
    )
    boom = RuntimeError("no clients today")
    cb = Recorder(raise_=boom)
    pair = Pair(client, client_auth_server(pki, server_engine), server_verify=cb).run()
    assert len(cb.calls) == 1
    e = pair.s.error
    assert isinstance(e, wiretls.CertificateRejectedError), pair.s.errors
    assert e.__cause__ is boom
    assert isinstance(pair.c.error, wiretls.TLSAlertError), pair.c.errors
    assert pair.c.error.alert_code == e.alert_sent


def test_data_from_application_inside_verify_is_queued(pki, client_engine, server_engine):
    def cb(certificates, connection):
        connection.data_from_application(b"sent from verify_callback")

    cb.calls = []
    pair = start_pair_with_client_verify(pki, client_engine, server_engine, _Wrap(cb))
    if pair is None:
        return
    pair.handshake()
    assert pair.s.received == b"sent from verify_callback"


def test_data_from_wire_inside_verify_is_runtime_error(pki, client_engine, server_engine):
    seen = []

    def cb(certificates, connection):
        try:
            connection.data_from_wire(b"")
        except RuntimeError as e:
            seen.append(e)

    pair = start_pair_with_client_verify(pki, client_engine, server_engine, _Wrap(cb))
    if pair is None:
        return
    pair.handshake()
    assert len(seen) == 1 and type(seen[0]) is RuntimeError, seen


def test_application_finished_inside_verify_is_queued(pki, client_engine, server_engine):
    def cb(certificates, connection):
        connection.application_finished()

    pair = start_pair_with_client_verify(pki, client_engine, server_engine, _Wrap(cb))
    if pair is None:
        return
    pair.run()
    assert not pair.c.errors and not pair.s.errors, (pair.c.errors, pair.s.errors)
    assert pair.server.is_peer_closed
    assert pair.c.closes == [False] and pair.s.closes == [False]


class _Wrap:
    """A plain function as a verify_callback, with the ``calls`` list
    start_pair_with_client_verify looks at."""

    def __init__(self, fn):
        self.fn = fn
        self.calls = []

    def __call__(self, certificates, connection):
        self.calls.append(certificates)
        return self.fn(certificates, connection)
