"""Application data: sizes, splits, buffering, queueing before the handshake."""

import pytest

import wiretls
from conftest import Pair, client_tls, common_versions, established, pattern, server_tls

SIZES = [0, 1, 100, 16_383, 16_384, 16_385, 65_536, 1 << 20]


@pytest.mark.parametrize("version", ["TLSv1.2", "TLSv1.3"])
def test_sizes_both_ways(pki, client_engine, server_engine, version):
    if version not in common_versions(client_engine, server_engine):
        pytest.skip(f"{server_engine}: server_versions lacks {version} (asserted in test_handshake)")
    pair = established(pki, client_engine, server_engine, client_kw={"versions": [version]})
    assert pair.client.tls_version == version
    for i, size in enumerate(SIZES):
        up, down = pattern(size, i), pattern(size, 100 + i)
        pair.client_sends(up)
        pair.server_sends(down)
        assert len(pair.s.received) == size, size
        assert pair.s.received == up, f"{size} bytes up differ"
        assert pair.c.received == down, f"{size} bytes down differ"
        pair.s.received.clear()
        pair.c.received.clear()
    assert not pair.c.errors and not pair.s.errors


def test_one_byte_fragments(pki, client_engine, server_engine):
    pair = Pair(client_tls(pki, client_engine), server_tls(pki, server_engine), fragment=1)
    pair.handshake()
    pair.client_sends(b"one byte at a time")
    pair.server_sends(b"likewise")
    assert pair.s.received == b"one byte at a time"
    assert pair.c.received == b"likewise"
    assert pair.deliveries["server"] > 100 and pair.deliveries["client"] > 100


@pytest.mark.parametrize("piece", [2, 7, 1000])
def test_any_split(pki, client_engine, server_engine, piece):
    pair = Pair(client_tls(pki, client_engine), server_tls(pki, server_engine), fragment=piece)
    pair.handshake()
    data = pattern(40_000, piece)
    pair.client_sends(data)
    pair.server_sends(data[::-1])
    assert pair.s.received == data
    assert pair.c.received == data[::-1]


def test_incomplete_record_is_buffered(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.client.data_from_application(b"hello, record")
    record = pair.c.take()
    assert len(record) > 10
    assert pair.server.data_from_wire(record[:3]) == b"", "half a header"
    assert pair.server.data_from_wire(record[3:-1]) == b"", "all but the last byte"
    assert pair.server.data_from_wire(record[-1:]) == b"hello, record"


def test_empty_input_is_fine(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    assert pair.server.data_from_wire(b"") == b""
    assert pair.client.data_from_wire(b"") == b""
    pair.client_sends(b"still works")
    assert pair.s.received == b"still works"


def test_two_records_in_one_input(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.client.data_from_application(b"first ")
    pair.client.data_from_application(b"second")
    assert pair.server.data_from_wire(pair.c.take()) == b"first second"


def test_data_before_handshake_is_queued(pki, client_engine, server_engine):
    pair = Pair(client_tls(pki, client_engine), server_tls(pki, server_engine))
    pair.client.data_from_application(b"early from client")
    pair.server.data_from_application(b"early from server")
    assert pair.s.out == [], "the server wrote before the ClientHello"
    pair.handshake()
    assert pair.s.received == b"early from client"
    assert pair.c.received == b"early from server"


def test_many_small_writes_arrive_in_order(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    expected = bytearray()
    for i in range(500):
        msg = i.to_bytes(4, "big")
        pair.client.data_from_application(msg)
        expected += msg
        if i % 50 == 0:
            pair.run()
    pair.run()
    assert pair.s.received == expected


def test_write_to_wire_called_once_per_call(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    before = pair.c.writes
    pair.client.data_from_application(pattern(100_000))
    assert pair.c.writes == before + 1, "all bytes of one call in one write_to_wire call"
    pair.run()
    assert pair.s.received == pattern(100_000)


def test_bytearray_and_memory_inputs(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.client.data_from_application(bytearray(b"from a bytearray"))
    record = pair.c.take()
    assert pair.server.data_from_wire(bytearray(record)) == b"from a bytearray"


def test_data_from_wire_returns_bytes(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    pair.client.data_from_application(b"typed")
    got = pair.server.data_from_wire(pair.c.take())
    assert type(got) is bytes and got == b"typed"


def test_peer_certificates(pki, client_engine, server_engine):
    from conftest import caps

    pair = established(pki, client_engine, server_engine)
    sent = pki.chain("server-p256.pem")
    got = pair.client.peer_certificates
    assert all(isinstance(c, wiretls.Certificate) for c in got)
    if caps(client_engine)["peer_chain"]:
        assert [c.get_asn1_bytes() for c in got] == [c.get_asn1_bytes() for c in sent]
    else:
        assert [c.get_asn1_bytes() for c in got] == [sent[0].get_asn1_bytes()]
    assert not any(c.has_private_key for c in got)
    assert pair.server.peer_certificates == []
