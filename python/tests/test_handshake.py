"""Starting connections, the first flights, and the negotiated outcome."""

import pytest

import wiretls
from conftest import (
    FFDHE2048_PEM,
    SERVER_NAME,
    End,
    Pair,
    assert_unsupported,
    caps,
    client_tls,
    common_versions,
    established,
    newest_common_version,
    server_tls,
)


def test_start_writes_client_hello_before_returning(pki, engine):
    end = End("client")
    conn = client_tls(pki, engine).start(end.write, end.close)
    hello = end.take()
    assert end.writes == 1, "the ClientHello comes in one write_to_wire call"
    assert len(hello) > 40
    assert hello[0] == 22, "the first record is a handshake record"
    assert hello[5] == 1, "the first message is a ClientHello"
    assert conn.is_handshaking
    assert conn.side == "client"
    assert conn.engine == engine
    assert end.closes == []


def test_server_writes_nothing_before_client_hello(pki, engine):
    end = End("server")
    conn = server_tls(pki, engine).start(end.write, None, end.close)
    assert end.out == [] and end.writes == 0
    assert conn.is_handshaking
    assert conn.side == "server"
    assert conn.engine == engine
    assert conn.close_requested is None


def test_handshake_completes(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    assert pair.c.closes == [] and pair.s.closes == []
    assert pair.client.close_requested is None
    assert not pair.client.invalidated and not pair.server.invalidated


def test_negotiated_outcome_on_both_sides(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    expected = newest_common_version(client_engine, server_engine)
    assert pair.client.tls_version == expected
    assert pair.server.tls_version == expected
    assert pair.client.cipher_suite == pair.server.cipher_suite
    prefix = "TLS13_" if expected == "TLSv1.3" else "TLS_ECDHE_ECDSA_"
    assert pair.client.cipher_suite.startswith(prefix), pair.client.cipher_suite
    assert pair.client.server_name == SERVER_NAME
    assert pair.server.server_name == SERVER_NAME
    assert pair.client.key_exchange_group is not None
    assert pair.client.key_exchange_group == pair.server.key_exchange_group
    assert pair.client.side == "client" and pair.server.side == "server"
    assert pair.client.engine == client_engine and pair.server.engine == server_engine


@pytest.mark.parametrize("version", ["TLSv1.2", "TLSv1.3"])
def test_versions_choose_the_version(pki, client_engine, server_engine, version):
    if version not in common_versions(client_engine, server_engine):
        # Where the server engine declares the version unsupported, a server
        # limited to it is refused with the typed error.
        assert version not in caps(server_engine)["server_versions"]
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            Pair(
                client_tls(pki, client_engine, versions=[version]),
                server_tls(pki, server_engine, versions=[version]),
            )
        assert_unsupported(excinfo, server_engine, "version")
        return
    pair = established(pki, client_engine, server_engine, client_kw={"versions": [version]})
    assert pair.client.tls_version == version
    assert pair.server.tls_version == version


def test_client_tls12_only_reports_tls12(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine, client_kw={"versions": ["TLSv1.2"]})
    assert pair.client.tls_version == "TLSv1.2"
    assert pair.server.tls_version == "TLSv1.2"
    assert pair.client.cipher_suite == pair.server.cipher_suite
    assert pair.client.cipher_suite.startswith("TLS_ECDHE_ECDSA_")


def test_client_tls13_suite_choice_is_negotiated(pki, client_engine, server_engine):
    suite = "TLS13_CHACHA20_POLY1305_SHA256"
    c = caps(client_engine)
    client = client_tls(pki, client_engine, cipher_suites=[suite])
    selectable = c.get("tls13_suite_selection")
    if selectable is None and c["cipher_suite_selection"]:
        # The key is missing (test_capabilities_report_tls13_suite_selection
        # reports that): learn it from start's typed refusal, if any.
        try:
            client.start(End("c").write, End("c").close)
            selectable = True
        except wiretls.UnsupportedError as e:
            assert_unsupported(e, client_engine, "tls13")
            return
    if not c["cipher_suite_selection"] or not selectable:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            client.start(End("c").write, End("c").close)
        assert_unsupported(excinfo, client_engine, "suite")
        return
    if "TLSv1.3" not in caps(server_engine)["server_versions"]:
        pytest.skip(f"{server_engine}: server_versions has no TLSv1.3")
    pair = Pair(client, server_tls(pki, server_engine)).handshake()
    assert pair.client.cipher_suite == suite
    assert pair.server.cipher_suite == suite
    assert pair.client.tls_version == pair.server.tls_version == "TLSv1.3"


def test_client_tls12_suite_choice_is_negotiated(pki, client_engine, server_engine):
    suite = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
    client = client_tls(pki, client_engine, cipher_suites=[suite], versions=["TLSv1.2"])
    if not caps(client_engine)["cipher_suite_selection"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            client.start(End("c").write, End("c").close)
        assert_unsupported(excinfo, client_engine)
        return
    pair = Pair(client, server_tls(pki, server_engine)).handshake()
    assert pair.client.cipher_suite == suite
    assert pair.server.cipher_suite == suite
    assert pair.client.tls_version == pair.server.tls_version == "TLSv1.2"


def test_server_suite_order_is_used(pki, client_engine, server_engine):
    ours = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
    server = server_tls(pki, server_engine, cipher_suites=[ours], versions=["TLSv1.2"])
    if not caps(server_engine)["cipher_suite_selection"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            server.start(End("s").write)
        assert_unsupported(excinfo, server_engine)
        return
    pair = Pair(client_tls(pki, client_engine), server).handshake()
    assert pair.client.cipher_suite == pair.server.cipher_suite == ours
    assert pair.client.tls_version == "TLSv1.2"


def test_suites_the_engine_lacks_are_unsupported(pki, engine):
    every = [
        "TLS13_AES_128_GCM_SHA256",
        "TLS13_AES_256_GCM_SHA384",
        "TLS13_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ]
    offered = caps(engine)["cipher_suites"]
    assert offered, "an engine offers some suites"
    assert set(offered) <= set(every), offered
    for suite in [s for s in every if s not in offered]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            client_tls(pki, engine, cipher_suites=[suite]).start(End("c").write, End("c").close)
        assert_unsupported(excinfo, engine, "suite")


def test_alpn_negotiated(pki, client_engine, server_engine):
    assert caps(client_engine)["alpn"] and caps(server_engine)["alpn"]
    pair = established(
        pki,
        client_engine,
        server_engine,
        client_kw={"alpn_protocols": [b"h2", b"http/1.1"]},
        server_kw={"alpn_protocols": [b"h2"]},
    )
    assert pair.client.alpn_protocol == b"h2"
    assert pair.server.alpn_protocol == b"h2"


def test_no_alpn_reports_none(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    assert pair.client.alpn_protocol is None
    assert pair.server.alpn_protocol is None


def test_dh_params(pki, engine):
    server = wiretls.ServerTLS(
        wiretls.ServerCertificateChain(pki.chain("server-rsa2048.pem")),
        dh_params=FFDHE2048_PEM,
        engine=engine,
    )
    end = End("server")
    if not caps(engine)["dh_params"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            server.start(end.write)
        assert_unsupported(excinfo, engine, "dh")
        assert end.out == []
        return
    server.start(end.write)


def test_dh_params_object(pki, engine):
    params = wiretls.DHParams.from_pem(FFDHE2048_PEM)
    server = wiretls.ServerTLS(
        wiretls.ServerCertificateChain(pki.chain("server-rsa2048.pem")), params, engine=engine
    )
    if not caps(engine)["dh_params"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            server.start(End("s").write)
        assert_unsupported(excinfo, engine, "dh")
        return
    server.start(End("s").write)


def test_dhe_suite_negotiated(pki, client_engine, server_engine):
    suite = "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"
    if not caps(server_engine)["dh_params"]:
        pytest.skip(f"{server_engine}: capabilities dh_params is false (asserted in test_dh_params)")
    if suite not in caps(client_engine)["cipher_suites"]:
        pytest.skip(f"{client_engine}: capabilities cipher_suites lacks {suite}")
    server = wiretls.ServerTLS(
        wiretls.ServerCertificateChain(pki.chain("server-rsa2048.pem")),
        dh_params=FFDHE2048_PEM,
        engine=server_engine,
        cipher_suites=[suite],
        versions=["TLSv1.2"],
    )
    pair = Pair(client_tls(pki, client_engine, cipher_suites=[suite]), server).handshake()
    assert pair.client.cipher_suite == pair.server.cipher_suite == suite


@pytest.mark.parametrize(
    "chain", ["server-p256.pem", "server-p384.pem", "server-ed25519.pem", "server-rsa2048.pem"]
)
def test_every_key_type(pki, client_engine, server_engine, chain):
    pair = Pair(client_tls(pki, client_engine), server_tls(pki, server_engine, chain=chain)).handshake()
    assert pair.client.peer_certificates[0] == pki.chain(chain)[0]
    pair.client_sends(b"ping")
    assert pair.s.received == b"ping"


def test_ip_address_sends_no_sni(pki, client_engine, server_engine):
    pair = Pair(client_tls(pki, client_engine, name="127.0.0.1"), server_tls(pki, server_engine)).handshake()
    assert pair.server.server_name is None


def test_seed_calls_verbatim(pki):
    # The seed's own calls, default engine.
    certs = set(wiretls.certificates_from_pem(pki["root-ca.pem"]))
    seen = []

    def cb(certificates, connection):
        seen.append((certificates, connection))

    client_out, closes = [], []
    client = wiretls.ClientTLS(
        b"localhost",
        [
            "TLS13_AES_128_GCM_SHA256",
            "TLS13_AES_256_GCM_SHA384",
            "TLS13_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        ],
        trust_root=wiretls.TrustStore(certs),
    )
    assert client.engine == "rustls" == wiretls.DEFAULT_ENGINE
    assert client.server_hostname == "localhost"
    conn = client.start(client_out.append, closes.append, verify_callback=cb)
    assert client_out, "the ClientHello was written by start"

    chain_set = set(wiretls.chain_from_pem(pki["server-p256.pem"]))
    server_out = []
    server = wiretls.ServerTLS(wiretls.ServerCertificateChain(chain_set))
    sconn = server.start(server_out.append)
    assert server_out == []

    for _ in range(10):
        if client_out:
            data = b"".join(client_out)
            client_out.clear()
            assert sconn.data_from_wire(data) == b""
        if server_out:
            data = b"".join(server_out)
            server_out.clear()
            assert conn.data_from_wire(data) == b""
    assert not conn.is_handshaking and not sconn.is_handshaking
    assert len(seen) == 1
    chain, connection = seen[0]
    assert [c.get_asn1_bytes() for c in chain] == [
        c.get_asn1_bytes() for c in wiretls.chain_from_pem(pki["server-p256.pem"])
    ] + [wiretls.certificates_from_pem(pki["root-ca.pem"])[0].get_asn1_bytes()]
    assert connection is conn
    conn.data_from_application(b"hello")
    assert sconn.data_from_wire(b"".join(client_out)) == b"hello"
    assert closes == []


def test_seed_sni_store_verbatim(pki):
    certs_set = set(pki.chain("sni-alpha.pem")) | set(pki.chain("sni-beta-wildcard.pem"))
    store = wiretls.SNIServerCertificates(certs_set, default=set())
    server = wiretls.ServerTLS(store)
    client = wiretls.ClientTLS(
        b"alpha.wiretls.test", ["TLS13_AES_128_GCM_SHA256"], trust_root=wiretls.TrustStore(pki.certs("root-ca.pem"))
    )
    pair = Pair(client, server).handshake()
    assert pair.client.peer_certificates[0] == pki.chain("sni-alpha.pem")[0]
    assert pair.server.server_name == "alpha.wiretls.test"
    assert pair.client.cipher_suite == "TLS13_AES_128_GCM_SHA256"


def test_seed_cipher_suites_positional_on_each_engine(pki, engine):
    suites = [
        "TLS13_AES_128_GCM_SHA256",
        "TLS13_AES_256_GCM_SHA384",
        "TLS13_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    ]
    client = wiretls.ClientTLS(b"localhost", suites, trust_root=pki.trust(), engine=engine)
    assert client.cipher_suites == suites
    end = End("c")
    if not caps(engine)["cipher_suite_selection"]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            client.start(end.write, end.close)
        assert_unsupported(excinfo, engine)
        return
    client.start(end.write, end.close)
    assert end.out


def test_server_start_without_wire_close_uses_close_requested(pki, client_engine, server_engine):
    server = server_tls(pki, server_engine)
    end = End("server")
    sconn = server.start(end.write)
    cend = End("client")
    conn = client_tls(pki, client_engine).start(cend.write, cend.close)
    for _ in range(10):
        d = cend.take()
        if d:
            sconn.data_from_wire(d)
        d = end.take()
        if d:
            conn.data_from_wire(d)
    assert not conn.is_handshaking
    assert sconn.close_requested is None
    conn.application_finished()
    sconn.data_from_wire(cend.take())
    assert sconn.is_peer_closed
    assert sconn.close_requested is False
    conn.data_from_wire(end.take())
    assert cend.closes == [False]


def test_unknown_engine_is_configuration_error(pki):
    with pytest.raises(wiretls.ConfigurationError):
        wiretls.capabilities("no-such-engine")
    with pytest.raises(wiretls.ConfigurationError):
        client_tls(pki, "no-such-engine").start(End("c").write, End("c").close)


def test_invalid_server_name_is_configuration_error():
    with pytest.raises(wiretls.ConfigurationError):
        wiretls.ClientTLS("not a host name!")


def test_engines_listing():
    assert wiretls.ENGINES[0] == "rustls"
    assert list(wiretls.ENGINES) == wiretls.engines()
    for engine in wiretls.ENGINES:
        c = caps(engine)
        assert c["alert_sending"] in ("close_notify_only", "fatal_only", "any")
        assert set(c["server_versions"]) <= set(c["versions"])


CAPABILITY_KEYS = {
    "engine": str,
    "versions": list,
    "server_versions": list,
    "cipher_suites": list,
    "groups": list,
    "key_types": list,
    "dh_params": bool,
    "later_server_certificate_answer": bool,
    "later_client_certificate_answer": bool,
    "session_id": bool,
    "resumption": bool,
    "alpn": bool,
    "verify_callback": bool,
    "server_certificate_stores": bool,
    "client_auth": bool,
    "client_certificate_roots": bool,
    "cipher_suite_selection": bool,
    "group_selection": bool,
    "peer_chain": bool,
    "alert_sending": str,
    "verify_alerts": list,
}


def test_capabilities_keys(engine):
    c = caps(engine)
    for key, kind in CAPABILITY_KEYS.items():
        assert isinstance(c[key], kind), (key, c.get(key))
    assert c["engine"] == engine
    assert all(isinstance(a, wiretls.AlertDescription) for a in c["verify_alerts"])


def test_capabilities_report_tls13_suite_selection(engine):
    """One key per field of Rust's Capabilities: tls13_suite_selection too
    (BoringSSL cannot choose its TLS 1.3 suites; without the key a Python
    caller cannot know before start refuses)."""
    assert isinstance(caps(engine).get("tls13_suite_selection"), bool)


def test_resumed_and_session_id_reported_as_declared(pki, client_engine, server_engine):
    pair = established(pki, client_engine, server_engine)
    for engine, conn in ((client_engine, pair.client), (server_engine, pair.server)):
        c = caps(engine)
        assert conn.resumed == (False if c["resumption"] else None), engine
        if not c["session_id"]:
            assert conn.session_id is None, engine


def test_second_connection_resumes_without_verify(pki, client_engine, server_engine):
    if not caps(client_engine)["resumption"]:
        pytest.skip(f"{client_engine}: capabilities resumption is false")
    if not caps(server_engine)["resumption"]:
        pytest.skip(f"{server_engine}: capabilities resumption is false")
    client = client_tls(pki, client_engine)
    server = server_tls(pki, server_engine)
    calls = []

    def verify(chain, conn):
        calls.append(chain)

    first = Pair(client, server, client_verify=verify).handshake()
    first.client_sends(b"one")
    first.server_sends(b"one")
    assert first.client.resumed is False
    assert len(calls) == 1
    second = Pair(client, server, client_verify=verify).handshake()
    assert second.client.resumed is True
    assert second.server.resumed is True
    assert len(calls) == 1, "verify_callback is not called for a resumed session"
