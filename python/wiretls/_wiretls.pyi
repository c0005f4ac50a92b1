"""Type stubs of wiretls's extension module (re-exported by ``wiretls``).

The seed, the 2014 "Python TLS API" design, as written: a sans-IO TLS
connection. The application moves bytes (``data_from_wire``,
``data_from_application``); the connection hands ciphertext to
``write_to_wire_callback``, asks the transport to close through
``wire_close_callback(immediate)``, lets ``verify_callback`` veto a peer
after the built-in checks, and asks certificate stores implemented in
Python for chains, which may answer later (from a thread or an asyncio
task). docs/python.md maps every line of the seed to these names.
"""

import enum
from typing import Any, Awaitable, Callable, Iterable, Optional, Sequence, Union

__version__: str

BytesLike = Union[bytes, bytearray]
"""What the byte-taking methods accept."""

PemInput = Union[bytes, bytearray, str]
"""PEM text, as bytes or str."""

ENGINES: tuple[str, ...]
"""The TLS engines this build holds, the default (``"rustls"``) first."""

DEFAULT_ENGINE: str
"""``"rustls"``: the engine used when no ``engine=`` keyword is given."""

def engines() -> list[str]:
    """The names of the engines this build holds, default first."""

def capabilities(engine: str = "rustls") -> dict[str, Any]:
    """What ``engine`` can do, one key per field of Rust's
    ``wiretls_core::Capabilities``: "versions", "server_versions",
    "cipher_suites", "groups", "key_types" (lists of names), "engine",
    "tls13_suite_selection", "dh_params",
    "later_server_certificate_answer", "later_client_certificate_answer",
    "session_id", "resumption", "alpn", "verify_callback",
    "server_certificate_stores", "client_auth", "client_certificate_roots",
    "cipher_suite_selection", "group_selection", "peer_chain" (bools),
    "alert_sending" ("close_notify_only", "fatal_only" or "any") and
    "verify_alerts" (list of AlertDescription a verify veto can send).
    Raises ConfigurationError for an engine this build does not hold."""

# ---------------------------------------------------------------- alerts

class AlertLevel(enum.IntEnum):
    WARNING = 1
    FATAL = 2

ALERT_WARNING: AlertLevel
ALERT_FATAL: AlertLevel

class AlertDescription(enum.IntEnum):
    """Every alert description of RFC 5246 and RFC 8446; each member is also a
    module constant (``wiretls.HANDSHAKE_FAILURE``)."""
    CLOSE_NOTIFY = 0
    UNEXPECTED_MESSAGE = 10
    BAD_RECORD_MAC = 20
    DECRYPTION_FAILED_RESERVED = 21
    RECORD_OVERFLOW = 22
    DECOMPRESSION_FAILURE = 30
    HANDSHAKE_FAILURE = 40
    NO_CERTIFICATE_RESERVED = 41
    BAD_CERTIFICATE = 42
    UNSUPPORTED_CERTIFICATE = 43
    CERTIFICATE_REVOKED = 44
    CERTIFICATE_EXPIRED = 45
    CERTIFICATE_UNKNOWN = 46
    ILLEGAL_PARAMETER = 47
    UNKNOWN_CA = 48
    ACCESS_DENIED = 49
    DECODE_ERROR = 50
    DECRYPT_ERROR = 51
    EXPORT_RESTRICTION_RESERVED = 60
    PROTOCOL_VERSION = 70
    INSUFFICIENT_SECURITY = 71
    INTERNAL_ERROR = 80
    INAPPROPRIATE_FALLBACK = 86
    USER_CANCELED = 90
    NO_RENEGOTIATION = 100
    MISSING_EXTENSION = 109
    UNSUPPORTED_EXTENSION = 110
    CERTIFICATE_UNOBTAINABLE_RESERVED = 111
    UNRECOGNIZED_NAME = 112
    BAD_CERTIFICATE_STATUS_RESPONSE = 113
    BAD_CERTIFICATE_HASH_VALUE_RESERVED = 114
    UNKNOWN_PSK_IDENTITY = 115
    CERTIFICATE_REQUIRED = 116
    NO_APPLICATION_PROTOCOL = 120

CLOSE_NOTIFY: AlertDescription
HANDSHAKE_FAILURE: AlertDescription
BAD_CERTIFICATE: AlertDescription
# ... and every other member of AlertDescription, by the same name.

# ---------------------------------------------------------- certificates

class Certificate:
    """One X.509 certificate (DER), optionally carrying its private key.
    Equal and hashable by its DER bytes only, so sets of certificates work
    as the seed uses them."""
    @staticmethod
    def from_der(der: BytesLike, private_key_der: Optional[BytesLike] = None) -> Certificate: ...
    @staticmethod
    def from_pem(pem: PemInput) -> Certificate:
        """Exactly one CERTIFICATE section and, optionally, its private key."""
    def get_asn1_bytes(self) -> bytes:
        """The DER bytes of the certificate (the seed's only method)."""
    @property
    def has_private_key(self) -> bool: ...
    @property
    def is_ca(self) -> bool: ...
    @property
    def is_leaf(self) -> bool:
        """The seed's definition: a non-CA certificate."""
    @property
    def subject(self) -> str: ...
    @property
    def dns_names(self) -> list[str]: ...
    def without_private_key(self) -> Certificate: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

def certificates_from_pem(pem: PemInput) -> list[Certificate]:
    """Every certificate of a PEM text that must hold no private key
    (ExtraneousPrivateKeyError otherwise; MalformedError for anything that
    is not PEM certificates)."""

def chain_from_pem(pem: PemInput, key_pem: Optional[PemInput] = None) -> list[Certificate]:
    """A strict chain: certificates in any order plus the leaf's key (in
    ``pem`` or in ``key_pem``), returned ordered leaf first, the leaf
    carrying its key. Raises NoLeafCertificateError,
    MoreThanOneLeafCertificateError, LeafCertificateHasNoPrivateKeyError,
    ExtraneousPrivateKeyError, CertificateNotInChainError, MalformedError."""

class TrustStore:
    """The seed's TrustStore(certificates): trusted CA certificates, none of
    which may carry a private key (ExtraneousPrivateKeyError)."""
    def __init__(self, certificates: Iterable[Certificate]) -> None: ...
    @staticmethod
    def from_pem(pem: PemInput) -> TrustStore: ...
    @property
    def certificates(self) -> list[Certificate]:
        """Empty for DEFAULT (the system store is loaded when a connection starts)."""
    @property
    def is_default(self) -> bool: ...

DEFAULT: TrustStore
"""The default of ``trust_root``: the operating system's trust store."""

class DHParams:
    """Finite-field Diffie-Hellman parameters for TLS 1.2 DHE suites."""
    @staticmethod
    def from_pem(pem: PemInput) -> DHParams: ...

# ---------------------------------------------------------------- stores

class CertificateChainCallback:
    """Given to a store's method; call it once, now or later, from any
    thread or asyncio task, with a set (or list) of certificates forming
    one chain whose leaf carries its key, or with None. A second call
    raises InvalidatedError; a bad set raises the seed's certificate
    errors and does not count as the answer. When it answers later, the
    connection continues at once: write_to_wire_callback is called from
    inside this call."""
    def __call__(self, chain: Optional[Iterable[Certificate]]) -> None: ...
    @property
    def roots(self) -> Optional[frozenset[bytes]]:
        """The DER distinguished names the server named (client stores), else None."""
    @property
    def answered(self) -> bool: ...

ChainAnswer = Optional[Awaitable[None]]
"""A store method returns None, or an awaitable (an ``async def`` method),
which wiretls schedules on the running asyncio loop."""

class ServerCertificates:
    """The seed's abstract base: subclass it and implement
    get_certificate_chain_for_server_name."""
    def __init__(self) -> None: ...
    def get_certificate_chain_for_server_name(
        self, server_name: Optional[bytes], certificate_chain_callback: CertificateChainCallback
    ) -> ChainAnswer:
        """``server_name`` is the SNI name as sent (ASCII bytes), or None
        when the client sent none."""

class ServerCertificateChain(ServerCertificates):
    def __init__(self, chain: Iterable[Certificate]) -> None: ...
    @property
    def chain(self) -> list[Certificate]: ...

class SNIServerCertificates(ServerCertificates):
    def __init__(self, certificates: Iterable[Certificate], default: Iterable[Certificate] = ...) -> None: ...
    def select(self, server_name: Optional[Union[bytes, str]]) -> Optional[list[Certificate]]: ...

class ClientCertificateStore:
    """The seed's client store: subclass it and implement both methods."""
    def __init__(self) -> None: ...
    def get_certificate_chain_for_roots(
        self, roots: frozenset[bytes], certificate_chain_callback: CertificateChainCallback
    ) -> ChainAnswer:
        """``roots``: the DER distinguished names of the CAs the server named
        (TLS carries names, not certificates)."""
    def get_default_certificate_chain(self, certificate_chain_callback: CertificateChainCallback) -> ChainAnswer: ...

# ----------------------------------------------------------- connections

WriteToWire = Callable[[bytes], Any]
WireClose = Callable[[bool], Any]
VerifyCallback = Callable[[list[Certificate], "Connection"], Any]

class ClientTLS:
    def __init__(
        self,
        server_hostname: Union[str, bytes],
        cipher_suites: Optional[Sequence[Union[str, int]]] = None,
        trust_root: TrustStore = DEFAULT,
        client_certificate_store: Optional[ClientCertificateStore] = None,
        *,
        engine: str = "rustls",
        versions: Optional[Sequence[str]] = None,
        groups: Optional[Sequence[Union[str, int]]] = None,
        alpn_protocols: Optional[Sequence[Union[bytes, str]]] = None,
        resumption: bool = True,
    ) -> None:
        """``cipher_suites``: wiretls's names (``"TLS13_AES_128_GCM_SHA256"``),
        OpenSSL's names or IANA numbers, in preference order; None = the
        engine's default set. ``versions``: ``"TLSv1.2"``, ``"TLSv1.3"``.
        ``groups``: the key-exchange groups offered, in preference order, by
        IANA name (``"x25519"``, ``"secp256r1"``, ``"X25519MLKEM768"``),
        OpenSSL name (``"P-256"``) or IANA number; None = the engine's
        default list."""
    def start(
        self,
        write_to_wire_callback: WriteToWire,
        wire_close_callback: WireClose,
        verify_callback: Optional[VerifyCallback] = None,
    ) -> Connection:
        """The ClientHello reaches write_to_wire_callback before this returns."""
    @property
    def server_hostname(self) -> str: ...
    @property
    def engine(self) -> str: ...
    @property
    def cipher_suites(self) -> list[str]: ...

class ServerTLS:
    def __init__(
        self,
        certificates: ServerCertificates,
        dh_params: Optional[Union[DHParams, PemInput]] = None,
        *,
        engine: str = "rustls",
        cipher_suites: Optional[Sequence[Union[str, int]]] = None,
        versions: Optional[Sequence[str]] = None,
        groups: Optional[Sequence[Union[str, int]]] = None,
        alpn_protocols: Optional[Sequence[Union[bytes, str]]] = None,
        client_auth: str = "none",
        client_trust_root: Optional[TrustStore] = None,
    ) -> None:
        """``client_auth``: ``"none"``, ``"optional"`` or ``"required"``
        (the latter two need ``client_trust_root``)."""
    def start(
        self,
        write_to_wire_callback: WriteToWire,
        verify_callback: Optional[VerifyCallback] = None,
        wire_close_callback: Optional[WireClose] = None,
    ) -> Connection:
        """The seed's server start has no wire_close_callback; it is the
        third, optional argument here. Without it, ``close_requested``
        tells when the transport should close."""
    @property
    def engine(self) -> str: ...

class Connection:
    """Made only by ``start``. Thread-safe: every method takes the
    connection's lock and releases the GIL while the engine works."""
    def data_from_wire(self, input: BytesLike) -> bytes: ...
    def data_from_application(self, output: BytesLike) -> None: ...
    def send_alert(self, alert_code: int, level: Optional[int] = None) -> None: ...
    def application_finished(self) -> None: ...
    def wire_eof(self) -> None:
        """The transport's read side ended (BadTLSDataError, kind
        "truncated", before the peer's close_notify)."""
    @property
    def side(self) -> str: ...
    @property
    def engine(self) -> str: ...
    @property
    def tls_version(self) -> Optional[str]: ...
    @property
    def cipher_suite(self) -> Optional[str]: ...
    @property
    def key_exchange_group(self) -> Optional[str]: ...
    @property
    def alpn_protocol(self) -> Optional[bytes]: ...
    @property
    def server_name(self) -> Optional[str]: ...
    @property
    def session_id(self) -> Optional[bytes]: ...
    @property
    def resumed(self) -> Optional[bool]: ...
    @property
    def peer_certificates(self) -> list[Certificate]: ...
    @property
    def is_handshaking(self) -> bool: ...
    @property
    def is_waiting_for_store(self) -> bool: ...
    @property
    def is_peer_closed(self) -> bool: ...
    @property
    def close_requested(self) -> Optional[bool]:
        """None until the connection asked the transport to close, then the
        ``immediate`` flag it gave."""
    @property
    def invalidated(self) -> bool: ...

# ------------------------------------------------------------ exceptions

class TLSError(Exception):
    """The base of every wiretls exception. ``blame``: "peer",
    "application", "caller", "certificate" or "engine"."""
    blame: str

class TLSAlertError(TLSError):
    """The peer sent a fatal alert (the seed's TLSAlertError)."""
    alert_code: AlertDescription
    alert_level: AlertLevel

class BadTLSDataError(TLSError):
    """The peer's data was invalid. ``kind``: "decrypt", "decode",
    "unexpected_message", "record_overflow", "illegal_parameter",
    "unsupported_version", "no_common_parameters", "missing_extension",
    "no_application_protocol", "handshake_signature", "missing_certificate",
    "buffer_limit", "truncated" or "other"; ``alert_sent``: the alert written
    to the wire because of it, or None."""
    kind: str
    alert_sent: Optional[AlertDescription]

class PeerCertificateError(BadTLSDataError):
    """The peer's certificate failed the built-in checks. ``problem``:
    "unknown_issuer", "expired", "not_yet_valid", "name_mismatch", ..."""
    problem: str

class CertificateRejectedError(TLSError):
    """verify_callback raised (its exception is ``__cause__``) or called
    send_alert: the peer is vetoed, ``alert_sent`` went out."""
    alert_sent: Optional[AlertDescription]

class NoServerCertificateError(TLSError):
    """The ServerCertificates answered None."""
    alert_sent: Optional[AlertDescription]

class InvalidatedError(TLSError):
    """``reason``: "previous_error", "already_answered", "finished",
    "closed", "abandoned" or "alert_sent"."""
    reason: str

class InvalidAlertLevel(TLSError): ...
class ReservedAlertError(TLSError): ...
class LeafCertificateHasNoPrivateKeyError(TLSError): ...
class MoreThanOneLeafCertificateError(TLSError): ...
class NoLeafCertificateError(TLSError): ...
class NoCertificateChainError(TLSError): ...
class ExtraneousPrivateKeyError(TLSError): ...
class CertificateNotInChainError(TLSError): ...
class MalformedError(TLSError): ...
class KeyMismatchError(TLSError): ...
class ConfigurationError(TLSError): ...
class UnsupportedError(TLSError):
    """The engine cannot do what was asked (declared in ``capabilities``)."""
    engine: str
    feature: str
class CallbackError(TLSError):
    """A certificate store's method raised; its exception is ``__cause__``."""
class EngineError(TLSError): ...

# ----------------------------------------------------------- test helper

def generate_test_pki() -> dict[str, str]:
    """A fresh test PKI for tests and demos (never for production):
    file name -> PEM text, with "root-ca.pem", "inter-ca.pem",
    "server-p256.pem" (chain + key, names localhost, server.wiretls.test,
    127.0.0.1), "server-rsa2048.pem", "client1.pem", "client-root-ca.pem", ..."""
