"""The ``groups=`` keyword of ClientTLS and ServerTLS: the key-exchange
groups offered, negotiated and reported by both ends, or the engine's typed
refusal."""

import pytest
import wiretls
from conftest import End, Pair, assert_unsupported, caps, client_tls, common_versions, server_tls

KNOWN = ["secp256r1", "secp384r1", "secp521r1", "x25519", "x448", "ffdhe2048", "ffdhe3072", "ffdhe4096", "X25519MLKEM768"]


def start(tls):
    if isinstance(tls, wiretls.ServerTLS):
        return tls.start(End("s").write)
    return tls.start(End("c").write, End("c").close)


def refused_at_start(tls, engine):
    with pytest.raises(wiretls.UnsupportedError) as excinfo:
        start(tls)
    assert_unsupported(excinfo, engine, "group")


def usable_groups(client_engine, server_engine):
    """The groups both engines declare, minus the finite-field ones when only
    TLS 1.2 is common (there they belong to DHE suites, which are off)."""
    both = [g for g in caps(client_engine)["groups"] if g in caps(server_engine)["groups"]]
    if "TLSv1.3" not in common_versions(client_engine, server_engine):
        both = [g for g in both if not g.startswith("ffdhe")]
    return both


def test_every_common_group_is_negotiated_and_reported(pki, client_engine, server_engine):
    groups = usable_groups(client_engine, server_engine)
    assert groups, "no common group"
    for group in groups:
        client = client_tls(pki, client_engine, groups=[group])
        server = server_tls(pki, server_engine, groups=[group])
        if not caps(client_engine)["group_selection"]:
            refused_at_start(client, client_engine)
            continue
        if not caps(server_engine)["group_selection"]:
            refused_at_start(server, server_engine)
            continue
        pair = Pair(client, server).handshake()
        assert pair.client.key_exchange_group == group, (group, pair.client.key_exchange_group)
        assert pair.server.key_exchange_group == group, (group, pair.server.key_exchange_group)


def test_client_choice_alone_decides(pki, client_engine, server_engine):
    # In TLS 1.2 the client's groups also bound the curve of the server's
    # ECDSA certificate (RFC 8422 section 5.1; OpenSSL enforces it): with a
    # P-256 server certificate, only secp256r1 can be the client's one group.
    # Neither group comes first in any engine's default list, so either
    # choice shows that the client's list was used.
    tls13 = "TLSv1.3" in common_versions(client_engine, server_engine)
    group = "secp384r1" if tls13 else "secp256r1"
    client = client_tls(pki, client_engine, groups=[group])
    if not caps(client_engine)["group_selection"]:
        refused_at_start(client, client_engine)
        return
    pair = Pair(client, server_tls(pki, server_engine)).handshake()
    assert pair.client.key_exchange_group == pair.server.key_exchange_group == group


def test_server_choice_alone_decides(pki, client_engine, server_engine):
    # Every client offers secp256r1 by default, but sends its first key share
    # for another group: in TLS 1.3 the server asks again (HelloRetryRequest).
    server = server_tls(pki, server_engine, groups=["secp256r1"])
    if not caps(server_engine)["group_selection"]:
        refused_at_start(server, server_engine)
        return
    pair = Pair(client_tls(pki, client_engine), server).handshake()
    assert pair.client.key_exchange_group == pair.server.key_exchange_group == "secp256r1"


def test_openssl_names_and_numbers_name_the_same_group(pki, engine):
    if not caps(engine)["group_selection"]:
        refused_at_start(client_tls(pki, engine, groups=["P-384"]), engine)
        return
    for spelling in (["P-384"], [24], ["SECP384R1"]):
        client = client_tls(pki, engine, groups=spelling)
        pair = Pair(client, server_tls(pki, engine)).handshake()
        assert pair.client.key_exchange_group == "secp384r1", spelling


def test_a_group_the_engine_lacks_is_unsupported(pki, engine):
    lacking = [g for g in KNOWN if g not in caps(engine)["groups"]]
    # A number wiretls has no name for is refused the same way.
    for group in lacking + [0x0A0A]:
        refused_at_start(client_tls(pki, engine, groups=[group]), engine)
        refused_at_start(server_tls(pki, engine, groups=[group]), engine)


def test_every_declared_group_is_a_known_name():
    for engine in wiretls.ENGINES:
        for group in caps(engine)["groups"]:
            assert group in KNOWN, (engine, group)


def test_bad_group_arguments(pki, engine):
    with pytest.raises(wiretls.ConfigurationError, match="unknown key-exchange group"):
        client_tls(pki, engine, groups=["brainpoolP256r1"])
    with pytest.raises(wiretls.ConfigurationError, match="unknown key-exchange group"):
        server_tls(pki, engine, groups=["x25519", "curve9000"])
    with pytest.raises(TypeError, match="list"):
        client_tls(pki, engine, groups="x25519")
    with pytest.raises(TypeError):
        client_tls(pki, engine, groups=[b"x25519"])
    # An empty list: no group at all, refused when a connection starts.
    for tls in (client_tls(pki, engine, groups=[]), server_tls(pki, engine, groups=[])):
        with pytest.raises(wiretls.ConfigurationError, match="no key-exchange group"):
            start(tls)
