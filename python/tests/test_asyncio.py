"""wiretls under asyncio, over real sockets on 127.0.0.1: an echo client
and server (asyncio.Protocol feeding data_from_wire, write_to_wire_callback
= transport.write, wire_close_callback closing the transport), and server
stores answering later from an asyncio task or as ``async def``."""

import asyncio
import time

import pytest

import wiretls
from conftest import (
    assert_unsupported,
    caps,
    client_tls,
    newest_common_version,
    pattern,
    server_tls,
)

TIMEOUT = 60
MIB = 1 << 20


class TLSProtocol(asyncio.Protocol):
    """One end: ``start(write, close)`` makes the connection; ``on_data``
    gets the plaintext."""

    def __init__(self, start, on_data):
        self.start = start
        self.on_data = on_data
        self.conn = None
        self.error = None
        self.closes = []
        self.received = bytearray()
        self.lost = asyncio.get_running_loop().create_future()
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        try:
            self.conn = self.start(transport.write, self.wire_close)
        except Exception as e:
            self.fail(e)

    def wire_close(self, immediate):
        self.closes.append(immediate)
        if immediate:
            self.transport.abort()
        else:
            self.transport.close()

    def data_received(self, data):
        if self.error is not None or self.closes:
            return
        try:
            plaintext = self.conn.data_from_wire(data)
            if plaintext:
                self.received += plaintext
                self.on_data(self, plaintext)
        except Exception as e:
            self.fail(e)

    def eof_received(self):
        if self.error is None and not self.closes and self.conn is not None:
            try:
                self.conn.wire_eof()
            except Exception as e:
                self.fail(e)
        return False

    def connection_lost(self, exc):
        if not self.lost.done():
            self.lost.set_result(exc)

    def fail(self, e):
        if self.error is None:
            self.error = e
        if self.transport is not None:
            self.transport.abort()


async def echo_exchange(client_start, server_start, payload):
    """The client sends ``payload`` (given before the handshake completes),
    the server echoes every byte, the client finishes once it has it all."""
    loop = asyncio.get_running_loop()
    servers = []

    def echo(proto, data):
        proto.conn.data_from_application(data)

    def make_server():
        proto = TLSProtocol(server_start, echo)
        servers.append(proto)
        return proto

    listener = await loop.create_server(make_server, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]

    def client_got(proto, data):
        if len(proto.received) >= len(payload):
            proto.conn.application_finished()

    def start_client(write, close):
        conn = client_start(write, close)
        conn.data_from_application(payload)
        return conn

    try:
        _, client = await loop.create_connection(
            lambda: TLSProtocol(start_client, client_got), "127.0.0.1", port
        )
        await asyncio.wait_for(client.lost, TIMEOUT)
        assert len(servers) == 1
        await asyncio.wait_for(servers[0].lost, TIMEOUT)
    finally:
        listener.close()
        await listener.wait_closed()
    return client, servers[0]


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, TIMEOUT + 30))


def test_echo_one_mib_both_ways(pki, client_engine, server_engine):
    payload = pattern(MIB, 7)
    client_tls_ = client_tls(pki, client_engine)
    server_tls_ = server_tls(pki, server_engine)
    client, server = run(
        echo_exchange(
            lambda w, c: client_tls_.start(w, c),
            lambda w, c: server_tls_.start(w, None, c),
            payload,
        )
    )
    assert client.error is None and server.error is None, (client.error, server.error)
    assert len(server.received) == MIB and server.received == payload
    assert len(client.received) == MIB and client.received == payload
    expected = newest_common_version(client_engine, server_engine)
    assert client.conn.tls_version == expected
    assert server.conn.tls_version == expected
    assert client.conn.cipher_suite == server.conn.cipher_suite
    assert client.closes == [False] and server.closes == [False]
    assert client.conn.is_peer_closed and server.conn.is_peer_closed


class LaterStore(wiretls.ServerCertificates):
    """Answers 50 ms later from an asyncio task it schedules."""

    def __init__(self, chain):
        super().__init__()
        self.chain = chain
        self.asked_at = None
        self.answered_at = None
        self.tasks = []

    def get_certificate_chain_for_server_name(self, server_name, certificate_chain_callback):
        self.asked_at = time.monotonic()

        async def answer():
            await asyncio.sleep(0.05)
            self.answered_at = time.monotonic()
            certificate_chain_callback(self.chain)

        self.tasks.append(asyncio.get_running_loop().create_task(answer()))


class AsyncDefStore(wiretls.ServerCertificates):
    """Its method is ``async def``: wiretls schedules the coroutine."""

    def __init__(self, chain):
        super().__init__()
        self.chain = chain
        self.asked_at = None
        self.answered_at = None

    async def get_certificate_chain_for_server_name(self, server_name, certificate_chain_callback):
        self.asked_at = time.monotonic()
        await asyncio.sleep(0.05)
        self.answered_at = time.monotonic()
        certificate_chain_callback(self.chain)


@pytest.mark.parametrize("store_class", [LaterStore, AsyncDefStore], ids=["task", "async_def"])
def test_store_answers_later_under_asyncio(pki, client_engine, server_engine, store_class):
    store = store_class(pki.chain())
    server = wiretls.ServerTLS(store, engine=server_engine)
    server_caps = caps(server_engine)
    if not (server_caps["server_certificate_stores"] and server_caps["later_server_certificate_answer"]):
        from conftest import End

        end = End("s")
        try:
            conn = server.start(end.write, None, end.close)
        except wiretls.UnsupportedError as e:
            assert_unsupported(e, server_engine)
            return
        pytest.fail(f"{server_engine} declares no later store answers but started {conn!r}")
    client_tls_ = client_tls(pki, client_engine)
    payload = pattern(64 * 1024, 3)
    client, srv = run(
        echo_exchange(
            lambda w, c: client_tls_.start(w, c),
            lambda w, c: server.start(w, None, c),
            payload,
        )
    )
    assert client.error is None and srv.error is None, (client.error, srv.error)
    assert client.received == payload
    assert store.asked_at is not None and store.answered_at is not None
    assert store.answered_at - store.asked_at >= 0.04
    assert client.conn.tls_version == newest_common_version(client_engine, server_engine)
    assert client.conn.peer_certificates[0] == pki.chain()[0]


def test_async_store_raising_before_answer(pki, engine):
    """An ``async def`` store that raises before answering: the callback
    answers None for it, the handshake ends, NoServerCertificateError has
    the task's exception as __cause__."""
    from conftest import Pair

    boom = LookupError("tenant database down")

    class Failing(wiretls.ServerCertificates):
        async def get_certificate_chain_for_server_name(self, server_name, certificate_chain_callback):
            await asyncio.sleep(0.01)
            raise boom

    server = wiretls.ServerTLS(Failing(), engine=engine)
    client = client_tls(pki, "rustls")
    if not caps(engine)["server_certificate_stores"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            Pair(client, server)
        assert_unsupported(excinfo, engine)
        return

    async def scenario():
        pair = Pair(client, server)
        pair.run()
        for _ in range(100):
            await asyncio.sleep(0.01)
            if pair.s.pending() or pair.s.closes:
                break
        pair.run()
        if pair.s.error is None:
            with pytest.raises(wiretls.NoServerCertificateError) as excinfo:
                pair.server.data_from_wire(b"")
            pair.s.errors.append(excinfo.value)
            pair.run()
        return pair

    pair = run(scenario())
    e = pair.s.error
    assert isinstance(e, wiretls.NoServerCertificateError), pair.s.errors
    assert e.__cause__ is boom
    assert isinstance(pair.c.error, wiretls.TLSAlertError), pair.c.errors
    assert pair.c.error.alert_code == wiretls.UNRECOGNIZED_NAME
