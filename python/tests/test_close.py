"""application_finished, close_notify both ways, truncation."""

import pytest

import wiretls
from conftest import Pair, client_tls, established, server_tls


@pytest.mark.parametrize("client_first", [True, False], ids=["client_first", "server_first"])
def test_application_finished_closes_both_ways(pki, client_engine, server_engine, client_first):
    pair = established(pki, client_engine, server_engine)
    first, second = (pair.client, pair.server) if client_first else (pair.server, pair.client)
    second.data_from_application(b"last words")
    first.application_finished()
    first.application_finished()  # twice is harmless
    pair.run()
    assert pair.client.is_peer_closed and pair.server.is_peer_closed
    assert pair.c.closes == [False] and pair.s.closes == [False]
    assert pair.client.close_requested is False and pair.server.close_requested is False
    received = pair.c.received if client_first else pair.s.received
    assert received == b"last words"
    assert not pair.c.errors and not pair.s.errors


def test_peer_sees_close_notify(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.client.application_finished()
    close_notify = pair.c.take()
    assert close_notify, "application_finished wrote the close_notify"
    assert pair.c.closes == [], "the finisher waits for the peer's close_notify"
    assert pair.server.data_from_wire(close_notify) == b""
    assert pair.server.is_peer_closed
    assert pair.s.closes == [False]
    answer = pair.s.take()
    assert answer, "the server answered with its close_notify"
    assert pair.client.data_from_wire(answer) == b""
    assert pair.c.closes == [False]


def test_data_from_application_after_finished(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.client.application_finished()
    with pytest.raises(wiretls.InvalidatedError) as excinfo:
        pair.client.data_from_application(b"x")
    assert excinfo.value.reason == "finished"
    # Receiving goes on.
    pair.server.data_from_application(b"still coming")
    pair.run()
    assert pair.c.received == b"still coming"


def test_data_after_peer_closed_is_invalidated(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.client.data_from_application(b"late")
    record = pair.c.take()
    pair.client.application_finished()
    assert pair.server.data_from_wire(record + pair.c.take() + record) == b"late"
    assert pair.server.is_peer_closed
    with pytest.raises(wiretls.InvalidatedError) as excinfo:
        pair.server.data_from_wire(record)
    assert excinfo.value.reason == "closed"


def test_finished_before_handshake_is_kept(pki, client_engine, server_engine):
    pair = Pair(client_tls(pki, client_engine), server_tls(pki, server_engine))
    pair.client.data_from_application(b"early")
    pair.client.application_finished()
    with pytest.raises(wiretls.InvalidatedError):
        pair.client.data_from_application(b"too late")
    pair.run()
    assert not pair.c.errors and not pair.s.errors
    assert pair.s.received == b"early"
    assert pair.server.is_peer_closed
    assert pair.c.closes == [False] and pair.s.closes == [False]


def test_truncation_is_bad_data(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.server_sends(b"partial")
    with pytest.raises(wiretls.BadTLSDataError) as excinfo:
        pair.client.wire_eof()
    assert excinfo.value.kind == "truncated"
    assert excinfo.value.alert_sent is None
    assert pair.c.closes == [True]
    assert pair.c.received == b"partial"
    with pytest.raises(wiretls.InvalidatedError):
        pair.client.data_from_wire(b"x")


def test_eof_after_close_notify_is_clean(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.server.application_finished()
    pair.run()
    pair.client.wire_eof()
    pair.client.wire_eof()
    assert pair.c.closes == [False]
