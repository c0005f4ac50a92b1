"""send_alert's level rules, what each engine can send, alerts received."""

import pytest

import wiretls
from conftest import (
    OPENSSL_FAMILY,
    End,
    assert_unsupported,
    caps,
    client_tls,
    common_versions,
    established,
    plaintext_alert,
    server_tls,
)


def can_send(engine, level):
    mode = caps(engine)["alert_sending"]
    return mode == "any" or (mode == "fatal_only" and level == wiretls.ALERT_FATAL)


def test_alert_constants():
    assert wiretls.ALERT_WARNING == 1 and wiretls.ALERT_FATAL == 2
    assert wiretls.ALERT_WARNING is wiretls.AlertLevel.WARNING
    assert wiretls.ALERT_FATAL is wiretls.AlertLevel.FATAL
    assert len(wiretls.AlertDescription) == 34
    for member in wiretls.AlertDescription:
        assert getattr(wiretls, member.name) is member
    assert wiretls.HANDSHAKE_FAILURE == 40
    assert wiretls.ACCESS_DENIED == 49
    assert wiretls.UNRECOGNIZED_NAME == 112


def test_forbidden_level_is_invalid_alert_level(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    with pytest.raises(wiretls.InvalidAlertLevel):
        pair.client.send_alert(wiretls.HANDSHAKE_FAILURE, wiretls.ALERT_WARNING)
    with pytest.raises(wiretls.InvalidAlertLevel):
        pair.client.send_alert(wiretls.CLOSE_NOTIFY, wiretls.ALERT_FATAL)
    assert pair.c.out == [], "a refused alert reached the wire"
    pair.client_sends(b"still open")
    assert pair.s.received == b"still open"


def test_ambiguous_code_without_level_under_tls12(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine, client_kw={"versions": ["TLSv1.2"]})
    assert pair.client.tls_version == "TLSv1.2"
    with pytest.raises(wiretls.InvalidAlertLevel):
        pair.client.send_alert(wiretls.BAD_CERTIFICATE)
    with pytest.raises(wiretls.InvalidAlertLevel):
        pair.client.send_alert(wiretls.BAD_CERTIFICATE, None)
    assert pair.c.out == []
    assert not pair.client.invalidated
    pair.client_sends(b"still open")
    assert pair.s.received == b"still open"


def test_ambiguous_code_is_fatal_under_tls13(pki, client_engine, server_engine):
    if "TLSv1.3" not in common_versions(client_engine, server_engine):
        pytest.skip(f"{server_engine}: server_versions lacks TLSv1.3")
    pair = established(pki, client_engine, server_engine, client_kw={"versions": ["TLSv1.3"]})
    if can_send(client_engine, wiretls.ALERT_FATAL):
        pair.client.send_alert(wiretls.BAD_CERTIFICATE)
        pair.run()
        assert isinstance(pair.s.error, wiretls.TLSAlertError), pair.s.errors
        assert pair.s.error.alert_code == wiretls.BAD_CERTIFICATE
        assert pair.s.error.alert_level == wiretls.ALERT_FATAL
    else:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            pair.client.send_alert(wiretls.BAD_CERTIFICATE)
        assert_unsupported(excinfo, client_engine, "alert")
        assert pair.c.out == []


@pytest.mark.parametrize(
    "code",
    [
        wiretls.AlertDescription.DECRYPTION_FAILED_RESERVED,
        wiretls.AlertDescription.NO_CERTIFICATE_RESERVED,
        wiretls.AlertDescription.EXPORT_RESTRICTION_RESERVED,
        wiretls.AlertDescription.CERTIFICATE_UNOBTAINABLE_RESERVED,
        wiretls.AlertDescription.BAD_CERTIFICATE_HASH_VALUE_RESERVED,
    ],
)
def test_reserved_code_is_refused(pki, client_engine, server_engine, code):
    pair = established(pki, client_engine, server_engine)
    with pytest.raises(wiretls.ReservedAlertError):
        pair.client.send_alert(code, wiretls.ALERT_FATAL)
    assert pair.c.out == []
    pair.client_sends(b"still open")
    assert pair.s.received == b"still open"


def test_fatal_alert_where_declared_else_unsupported(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    if not can_send(client_engine, wiretls.ALERT_FATAL):
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            pair.client.send_alert(wiretls.INTERNAL_ERROR, wiretls.ALERT_FATAL)
        assert_unsupported(excinfo, client_engine, "alert")
        assert pair.c.out == [], "nothing written for an unsupported alert"
        assert not pair.client.invalidated
        pair.client_sends(b"still open")
        assert pair.s.received == b"still open"
        return
    pair.client.send_alert(wiretls.INTERNAL_ERROR, wiretls.ALERT_FATAL)
    assert pair.c.closes == [False], "graceful close after our own fatal alert"
    pair.run()
    e = pair.s.error
    assert isinstance(e, wiretls.TLSAlertError), pair.s.errors
    assert e.alert_code == wiretls.INTERNAL_ERROR
    assert e.alert_level == wiretls.ALERT_FATAL
    assert pair.client.invalidated
    with pytest.raises(wiretls.InvalidatedError) as excinfo:
        pair.client.data_from_application(b"x")
    assert excinfo.value.reason == "alert_sent"
    with pytest.raises(wiretls.InvalidatedError):
        pair.client.data_from_wire(b"x")


def test_warning_alert_where_declared_else_unsupported(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    if not can_send(client_engine, wiretls.ALERT_WARNING):
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            pair.client.send_alert(wiretls.USER_CANCELED, wiretls.ALERT_WARNING)
        assert_unsupported(excinfo, client_engine, "alert")
        assert pair.c.out == []
        pair.client_sends(b"still open")
        assert pair.s.received == b"still open"
        return
    pair.client.send_alert(wiretls.USER_CANCELED, wiretls.ALERT_WARNING)
    pair.run()
    if pair.s.error is not None:
        assert isinstance(pair.s.error, wiretls.TLSAlertError)
        assert pair.s.error.alert_level == wiretls.ALERT_WARNING
    assert not pair.client.invalidated
    pair.client_sends(b"after a warning")
    assert pair.s.received.endswith(b"after a warning")


def test_close_notify_by_send_alert(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.client.send_alert(wiretls.CLOSE_NOTIFY)
    pair.run()
    assert pair.server.is_peer_closed and pair.client.is_peer_closed
    assert pair.c.closes == [False] and pair.s.closes == [False]
    with pytest.raises(wiretls.InvalidatedError) as excinfo:
        pair.client.data_from_application(b"x")
    assert excinfo.value.reason == "finished"


def test_received_alert_is_typed_on_client(pki, engine):
    end = End("client")
    conn = client_tls(pki, engine).start(end.write, end.close)
    end.take()
    with pytest.raises(wiretls.TLSAlertError) as excinfo:
        conn.data_from_wire(plaintext_alert(wiretls.HANDSHAKE_FAILURE))
    e = excinfo.value
    assert e.alert_code == wiretls.HANDSHAKE_FAILURE
    assert isinstance(e.alert_code, wiretls.AlertDescription)
    assert e.alert_level == wiretls.ALERT_FATAL
    assert isinstance(e.alert_level, wiretls.AlertLevel)
    assert end.closes == [True], "immediate close after the peer's fatal alert"
    assert end.out == [], "no alert answers an alert"
    assert conn.invalidated
    with pytest.raises(wiretls.InvalidatedError) as excinfo:
        conn.data_from_wire(b"more")
    assert excinfo.value.reason == "previous_error"


def test_alert_instead_of_client_hello(pki, engine):
    end = End("server")
    conn = server_tls(pki, engine).start(end.write, None, end.close)
    if engine in OPENSSL_FAMILY:
        # conformance/divergences.txt: OpenSSL's server reads the first
        # record as a handshake record only and answers unexpected_message.
        with pytest.raises(wiretls.BadTLSDataError) as excinfo:
            conn.data_from_wire(plaintext_alert(wiretls.ACCESS_DENIED))
        assert excinfo.value.alert_sent == wiretls.UNEXPECTED_MESSAGE
        assert end.closes == [False]
    else:
        with pytest.raises(wiretls.TLSAlertError) as excinfo:
            conn.data_from_wire(plaintext_alert(wiretls.ACCESS_DENIED))
        assert excinfo.value.alert_code == wiretls.ACCESS_DENIED
        assert excinfo.value.alert_level == wiretls.ALERT_FATAL
        assert end.out == []
        assert end.closes == [True]
    with pytest.raises(wiretls.InvalidatedError):
        conn.data_from_application(b"x")


def test_send_alert_after_invalidation_is_invalidated(pki, engine):
    end = End("client")
    conn = client_tls(pki, engine).start(end.write, end.close)
    with pytest.raises(wiretls.TLSAlertError):
        conn.data_from_wire(plaintext_alert(wiretls.HANDSHAKE_FAILURE))
    # Invalidated comes before any level check.
    with pytest.raises(wiretls.InvalidatedError):
        conn.send_alert(wiretls.HANDSHAKE_FAILURE, wiretls.ALERT_WARNING)
    with pytest.raises(wiretls.InvalidatedError):
        conn.send_alert(wiretls.INTERNAL_ERROR, wiretls.ALERT_FATAL)


def test_fatal_alert_reaches_peer_with_tls12(pki, client_engine, server_engine):
    """The negotiated version's rules: under TLS 1.2 HANDSHAKE_FAILURE
    defaults to fatal."""
    pair = established(pki, client_engine, server_engine, client_kw={"versions": ["TLSv1.2"]})
    if not can_send(client_engine, wiretls.ALERT_FATAL):
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            pair.client.send_alert(wiretls.HANDSHAKE_FAILURE)
        assert_unsupported(excinfo, client_engine, "alert")
        return
    pair.client.send_alert(wiretls.HANDSHAKE_FAILURE)
    pair.run()
    assert isinstance(pair.s.error, wiretls.TLSAlertError)
    assert pair.s.error.alert_code == wiretls.HANDSHAKE_FAILURE
    assert pair.s.closes == [True]
    assert pair.c.closes == [False]

