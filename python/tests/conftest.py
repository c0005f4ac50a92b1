"""Shared fixtures and helpers of wiretls's Python test suite.

Every test runs over the engines the installed wheel holds
(``wiretls.ENGINES``): a test taking ``engine`` runs once per engine, a test
taking ``client_engine`` and ``server_engine`` once per client x server pair.

``Pair`` is the in-memory transport: it starts a client and a server whose
write callbacks collect bytes in lists and whose wire_close callbacks record
``immediate``, then pumps bytes both ways until neither side writes,
collecting the plaintext each side received and the errors each raised.
"""

import base64
import faulthandler
import itertools
import re
import threading

import pytest

import wiretls

ENGINES = tuple(wiretls.ENGINES)
PAIRS = list(itertools.product(ENGINES, ENGINES))
SERVER_NAME = "server.wiretls.test"
VERSIONS = ("TLSv1.2", "TLSv1.3")

# RFC 7919 ffdhe2048, for dh_params.
FFDHE2048_PEM = """-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
"""

# A test that hangs (a deadlock in the bindings) dumps every thread's stack
# and ends the run instead of hanging it forever.
WATCHDOG_SECONDS = 240


@pytest.fixture(autouse=True)
def _watchdog():
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def pytest_generate_tests(metafunc):
    names = metafunc.fixturenames
    if "client_engine" in names and "server_engine" in names:
        metafunc.parametrize(
            ("client_engine", "server_engine"), PAIRS, ids=[f"{c}__{s}" for c, s in PAIRS]
        )
    if "engine" in names:
        metafunc.parametrize("engine", ENGINES)


# ------------------------------------------------------------------ engines


def caps(engine):
    return wiretls.capabilities(engine)


def common_versions(client_engine, server_engine):
    """The versions both engines negotiate, oldest first."""
    c = caps(client_engine)["versions"]
    s = caps(server_engine)["server_versions"]
    return [v for v in VERSIONS if v in c and v in s]


def newest_common_version(client_engine, server_engine):
    return common_versions(client_engine, server_engine)[-1]


# Engines whose record layer is OpenSSL's (native-tls is OpenSSL on Linux).
OPENSSL_FAMILY = ("openssl", "native-tls")


def alert_unread_by_boring(client_engine, server_engine):
    """conformance/divergences.txt: in TLS 1.3 an OpenSSL client sends the
    alert refusing the server's certificate in the clear, and a BoringSSL
    server, which takes only protected records there, reports bad_record_mac."""
    return client_engine in OPENSSL_FAMILY and server_engine == "boring"


def assert_peer_saw_alert(error, alert, client_engine, server_engine):
    """The server's error after the client sent ``alert``."""
    if alert_unread_by_boring(client_engine, server_engine) and isinstance(error, wiretls.BadTLSDataError):
        assert error.kind == "decrypt", repr(error)
        return
    assert isinstance(error, wiretls.TLSAlertError), repr(error)
    assert error.alert_code == alert, (error.alert_code, alert)


def assert_unsupported(excinfo_or_error, engine, feature=None):
    """The typed refusal of a capability the engine declares it lacks;
    ``feature``: a word (or a tuple of words, one of which) the feature's
    name must contain."""
    e = getattr(excinfo_or_error, "value", excinfo_or_error)
    assert isinstance(e, wiretls.UnsupportedError), repr(e)
    assert isinstance(e, wiretls.TLSError)
    assert e.engine == engine, (e.engine, engine)
    assert isinstance(e.feature, str) and e.feature, repr(e.feature)
    if feature is not None:
        words = (feature,) if isinstance(feature, str) else feature
        assert any(w in e.feature.lower() for w in words), (e.feature, feature)
    assert e.blame == "engine"
    return e


# --------------------------------------------------------------------- PKI


_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)


def pem_ders(pem):
    """The DER bytes of every CERTIFICATE section, decoded here (not by wiretls)."""
    if isinstance(pem, bytes):
        pem = pem.decode("ascii")
    return [base64.b64decode("".join(body.split())) for body in _PEM_CERT.findall(pem)]


class Pki:
    """The test PKI of wiretls.generate_test_pki() and ways to load it."""

    def __init__(self, files):
        self.files = files

    def __getitem__(self, name):
        return self.files[name]

    def chain(self, name="server-p256.pem"):
        """A strict chain (leaf first, the leaf with its key) from a .pem file."""
        return wiretls.chain_from_pem(self.files[name])

    def certs(self, name):
        """The keyless certificates of a file."""
        return wiretls.certificates_from_pem(self.files[name])

    def cert(self, name):
        (only,) = self.certs(name)
        return only

    def trust(self, name="root-ca.pem"):
        return wiretls.TrustStore.from_pem(self.files[name])

    def ders(self, name):
        return pem_ders(self.files[name])


@pytest.fixture(scope="session")
def pki_files():
    files = wiretls.generate_test_pki()
    assert isinstance(files, dict) and "root-ca.pem" in files
    return files


@pytest.fixture(scope="session")
def pki(pki_files):
    return Pki(pki_files)


def client_tls(pki, engine, name=SERVER_NAME, trust="root-ca.pem", **kw):
    return wiretls.ClientTLS(name, trust_root=pki.trust(trust), engine=engine, **kw)


def server_tls(pki, engine, chain="server-p256.pem", **kw):
    return wiretls.ServerTLS(wiretls.ServerCertificateChain(pki.chain(chain)), engine=engine, **kw)


def client_auth_server(pki, engine, **kw):
    return server_tls(
        pki,
        engine,
        client_auth="required",
        client_trust_root=pki.trust("client-root-ca.pem"),
        **kw,
    )


def expected_server_path(pki, chain="server-p256.pem", root="root-ca.pem"):
    """The DERs the seed's verify_callback gets: leaf first, ending root-most."""
    path = [c.get_asn1_bytes() for c in pki.chain(chain)]
    root_der = pki.ders(root)[0]
    if path[-1] != root_der:
        path.append(root_der)
    return path


def plaintext_alert(description, level=2, version=0x0303):
    """An alert record in the clear."""
    return bytes([0x15, version >> 8, version & 0xFF, 0, 2, int(level), int(description)])


def pattern(size, seed=0):
    """``size`` bytes of a recognisable pattern."""
    start = seed % 251
    return (bytes(range(251)) * (size // 251 + 2))[start : start + size]


# -------------------------------------------------------------------- pair


class End:
    """One side's transport: what its connection wrote, its close requests,
    the plaintext it received and the errors it raised."""

    def __init__(self, name):
        self.name = name
        self.out = []
        self.closes = []
        self.received = bytearray()
        self.errors = []
        self.writes = 0
        self.raise_on_write = None
        self.write_threads = []
        self._lock = threading.Lock()

    def write(self, data):
        assert isinstance(data, bytes), type(data)
        if self.raise_on_write is not None:
            e, self.raise_on_write = self.raise_on_write, None
            raise e
        with self._lock:
            self.writes += 1
            self.out.append(data)
            self.write_threads.append(threading.get_ident())

    def close(self, immediate):
        assert isinstance(immediate, bool), repr(immediate)
        with self._lock:
            self.closes.append(immediate)

    def take(self):
        with self._lock:
            data = b"".join(self.out)
            self.out.clear()
            return data

    def pending(self):
        with self._lock:
            return sum(len(d) for d in self.out)

    @property
    def error(self):
        return self.errors[0] if self.errors else None

    @property
    def shut(self):
        return bool(self.errors or self.closes)


class Pair:
    """A client and a server over memory. ``fragment``: deliver the bytes in
    pieces of that many bytes (1 = one byte per data_from_wire call)."""

    def __init__(
        self,
        client_tls,
        server_tls,
        client_verify=None,
        server_verify=None,
        fragment=None,
    ):
        self.c = End("client")
        self.s = End("server")
        self.fragment = fragment
        self.deliveries = {"client": 0, "server": 0}
        # The server first, so that the ClientHello waits in the client's out.
        self.server = server_tls.start(self.s.write, server_verify, self.s.close)
        self.client = client_tls.start(self.c.write, self.c.close, verify_callback=client_verify)

    def deliver(self, to_server):
        src, dst, conn = (self.c, self.s, self.server) if to_server else (self.s, self.c, self.client)
        data = src.take()
        if not data:
            return False
        if dst.shut:
            # The read side is shut: nothing more is delivered.
            return True
        f = self.fragment or len(data)
        for i in range(0, len(data), f):
            self.deliveries[dst.name] += 1
            try:
                dst.received += conn.data_from_wire(data[i : i + f])
            except wiretls.TLSError as e:
                dst.errors.append(e)
                break
        return True

    def run(self, max_rounds=100_000):
        for _ in range(max_rounds):
            to_server = self.deliver(True)
            to_client = self.deliver(False)
            if not (to_server or to_client):
                return self
        raise AssertionError("the pair never settled")

    def handshake(self):
        self.run()
        assert not self.c.errors and not self.s.errors, (self.c.errors, self.s.errors)
        assert not self.client.is_handshaking, "the client is still handshaking"
        assert not self.server.is_handshaking, "the server is still handshaking"
        return self

    def client_sends(self, data):
        self.client.data_from_application(data)
        return self.run()

    def server_sends(self, data):
        self.server.data_from_application(data)
        return self.run()


def established(pki, client_engine, server_engine, client_kw=None, server_kw=None, **pair_kw):
    return Pair(
        client_tls(pki, client_engine, **(client_kw or {})),
        server_tls(pki, server_engine, **(server_kw or {})),
        **pair_kw,
    ).handshake()


def pair_or_refusal(client, server, engine, capability):
    """``Pair(client, server)``; or, when ``engine`` declares that it lacks
    ``capability``, assert the typed UnsupportedError that starting gives
    and return None (the test ends there, never skipped silently)."""
    if not caps(engine)[capability]:
        with pytest.raises(wiretls.UnsupportedError) as excinfo:
            Pair(client, server)
        assert_unsupported(excinfo, engine)
        return None
    return Pair(client, server)

