//! Protocol versions, cipher suites and key-exchange groups, by their IANA
//! numbers.
//!
//! wiretls names only what it is willing to negotiate: TLS 1.2 and TLS 1.3,
//! AEAD suites with forward secrecy. Older versions (SSL 3.0, TLS 1.0, 1.1),
//! static-RSA key exchange, CBC, RC4, 3DES and export suites have no constant
//! and cannot be configured (the seed's TODO "allow disabling certain
//! options that we know are less secure": they are disabled, always).

use core::fmt;

/// A TLS protocol version wiretls can negotiate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProtocolVersion {
    /// TLS 1.2 (RFC 5246).
    Tls12,
    /// TLS 1.3 (RFC 8446).
    Tls13,
}

impl ProtocolVersion {
    /// Both versions, oldest first.
    pub const ALL: &'static [Self] = &[Self::Tls12, Self::Tls13];

    /// The wire value (`0x0303`, `0x0304`).
    #[must_use]
    pub const fn wire(self) -> u16 {
        match self {
            Self::Tls12 => 0x0303,
            Self::Tls13 => 0x0304,
        }
    }

    /// The version for a wire value; `None` for versions wiretls refuses.
    #[must_use]
    pub const fn from_wire(value: u16) -> Option<Self> {
        match value {
            0x0303 => Some(Self::Tls12),
            0x0304 => Some(Self::Tls13),
            _ => None,
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Tls12 => "TLSv1.2",
            Self::Tls13 => "TLSv1.3",
        })
    }
}

/// The AEAD of a cipher suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Aead {
    /// AES-128 in Galois/Counter Mode.
    Aes128Gcm,
    /// AES-256 in Galois/Counter Mode.
    Aes256Gcm,
    /// ChaCha20 with Poly1305 (RFC 8439).
    ChaCha20Poly1305,
}

/// The key exchange of a TLS 1.2 suite (TLS 1.3 suites do not fix one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyExchange {
    /// Chosen by the `key_share` extension (TLS 1.3).
    Any,
    /// Elliptic-curve Diffie-Hellman, ephemeral.
    Ecdhe,
    /// Finite-field Diffie-Hellman, ephemeral: needs `dh_params` on the server.
    Dhe,
}

/// The kind of certificate key a TLS 1.2 suite requires (TLS 1.3 suites do
/// not fix one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SuiteAuth {
    /// Any key type (TLS 1.3).
    Any,
    /// ECDSA or EdDSA keys.
    Ecdsa,
    /// RSA keys.
    Rsa,
}

/// A cipher suite, by its IANA number.
///
/// Only the suites in [`CipherSuite::ALL`] exist; an engine offers a subset
/// of them (its [`Capabilities::cipher_suites`](crate::Capabilities::cipher_suites)).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "u16", into = "u16"))]
pub struct CipherSuite(u16);

/// The facts about one cipher suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SuiteInfo {
    /// The suite.
    pub suite: CipherSuite,
    /// Its IANA name.
    pub name: &'static str,
    /// Its OpenSSL name (what `openssl ciphers` prints).
    pub openssl_name: &'static str,
    /// The only version it can be used with.
    pub version: ProtocolVersion,
    /// Its key exchange.
    pub key_exchange: KeyExchange,
    /// The certificate key it needs.
    pub auth: SuiteAuth,
    /// Its record protection.
    pub aead: Aead,
}

macro_rules! suite_table {
    ($( $(#[$doc:meta])* $name:ident = $value:literal, $ossl:literal, $ver:ident, $kx:ident, $auth:ident, $aead:ident; )*) => {
        impl CipherSuite {
            $( $(#[$doc])* pub const $name: Self = Self($value); )*

            /// Every suite wiretls knows, TLS 1.3 first, in its preference order.
            pub const ALL: &'static [CipherSuite] = &[$(Self::$name),*];

            /// The facts about this suite.
            pub const fn info(self) -> SuiteInfo {
                match self.0 {
                    $( $value => SuiteInfo {
                        suite: self,
                        name: stringify!($name),
                        openssl_name: $ossl,
                        version: ProtocolVersion::$ver,
                        key_exchange: KeyExchange::$kx,
                        auth: SuiteAuth::$auth,
                        aead: Aead::$aead,
                    }, )*
                    // Invariant: a CipherSuite can only be built from the table.
                    _ => panic!("CipherSuite outside the table"),
                }
            }

            /// The suite with this IANA number, if wiretls knows it.
            pub const fn from_iana(value: u16) -> Option<Self> {
                match value {
                    $( $value => Some(Self($value)), )*
                    _ => None,
                }
            }
        }
    };
}

suite_table! {
    /// `TLS_AES_128_GCM_SHA256` (0x1301).
    TLS13_AES_128_GCM_SHA256 = 0x1301, "TLS_AES_128_GCM_SHA256", Tls13, Any, Any, Aes128Gcm;
    /// `TLS_AES_256_GCM_SHA384` (0x1302).
    TLS13_AES_256_GCM_SHA384 = 0x1302, "TLS_AES_256_GCM_SHA384", Tls13, Any, Any, Aes256Gcm;
    /// `TLS_CHACHA20_POLY1305_SHA256` (0x1303).
    TLS13_CHACHA20_POLY1305_SHA256 = 0x1303, "TLS_CHACHA20_POLY1305_SHA256", Tls13, Any, Any, ChaCha20Poly1305;
    /// `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256` (0xc02b).
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b, "ECDHE-ECDSA-AES128-GCM-SHA256", Tls12, Ecdhe, Ecdsa, Aes128Gcm;
    /// `TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384` (0xc02c).
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02c, "ECDHE-ECDSA-AES256-GCM-SHA384", Tls12, Ecdhe, Ecdsa, Aes256Gcm;
    /// `TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256` (0xcca9).
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305", Tls12, Ecdhe, Ecdsa, ChaCha20Poly1305;
    /// `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256` (0xc02f).
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256", Tls12, Ecdhe, Rsa, Aes128Gcm;
    /// `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384` (0xc030).
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030, "ECDHE-RSA-AES256-GCM-SHA384", Tls12, Ecdhe, Rsa, Aes256Gcm;
    /// `TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256` (0xcca8).
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8, "ECDHE-RSA-CHACHA20-POLY1305", Tls12, Ecdhe, Rsa, ChaCha20Poly1305;
    /// `TLS_DHE_RSA_WITH_AES_128_GCM_SHA256` (0x009e): needs `dh_params`.
    TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 = 0x009e, "DHE-RSA-AES128-GCM-SHA256", Tls12, Dhe, Rsa, Aes128Gcm;
    /// `TLS_DHE_RSA_WITH_AES_256_GCM_SHA384` (0x009f): needs `dh_params`.
    TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 = 0x009f, "DHE-RSA-AES256-GCM-SHA384", Tls12, Dhe, Rsa, Aes256Gcm;
    /// `TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256` (0xccaa): needs `dh_params`.
    TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xccaa, "DHE-RSA-CHACHA20-POLY1305", Tls12, Dhe, Rsa, ChaCha20Poly1305;
}

impl CipherSuite {
    /// The IANA number.
    #[must_use]
    pub const fn iana(self) -> u16 {
        self.0
    }

    /// The IANA name, for example `TLS13_AES_128_GCM_SHA256`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// The version this suite belongs to.
    #[must_use]
    pub const fn version(self) -> ProtocolVersion {
        self.info().version
    }

    /// The suite whose IANA or OpenSSL name is `name` (case-insensitive).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| {
            let info = s.info();
            info.name.eq_ignore_ascii_case(name) || info.openssl_name.eq_ignore_ascii_case(name)
        })
    }
}

impl TryFrom<u16> for CipherSuite {
    type Error = String;

    fn try_from(value: u16) -> Result<Self, Self::Error> {
        Self::from_iana(value).ok_or_else(|| format!("unknown cipher suite {value:#06x}"))
    }
}

impl From<CipherSuite> for u16 {
    fn from(suite: CipherSuite) -> Self {
        suite.0
    }
}

impl fmt::Debug for CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for CipherSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key-exchange group (a TLS `NamedGroup`), by its IANA number.
///
/// Unlike cipher suites, groups an engine reports are kept even when wiretls
/// has no constant for them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct NamedGroup(pub u16);

impl NamedGroup {
    /// `secp256r1` (23).
    pub const SECP256R1: Self = Self(23);
    /// `secp384r1` (24).
    pub const SECP384R1: Self = Self(24);
    /// `secp521r1` (25).
    pub const SECP521R1: Self = Self(25);
    /// `x25519` (29).
    pub const X25519: Self = Self(29);
    /// `x448` (30).
    pub const X448: Self = Self(30);
    /// `ffdhe2048` (256, RFC 7919).
    pub const FFDHE2048: Self = Self(256);
    /// `ffdhe3072` (257).
    pub const FFDHE3072: Self = Self(257);
    /// `ffdhe4096` (258).
    pub const FFDHE4096: Self = Self(258);
    /// `X25519MLKEM768` (0x11ec): hybrid post-quantum key agreement.
    pub const X25519MLKEM768: Self = Self(0x11ec);

    /// Every group wiretls has a constant for, in the order of the constants.
    pub const KNOWN: &'static [Self] = &[
        Self::SECP256R1,
        Self::SECP384R1,
        Self::SECP521R1,
        Self::X25519,
        Self::X448,
        Self::FFDHE2048,
        Self::FFDHE3072,
        Self::FFDHE4096,
        Self::X25519MLKEM768,
    ];

    /// A known group by its IANA name (`"secp256r1"`, `"x25519"`) or its
    /// OpenSSL name (`"P-256"`, `"X25519"`), ignoring ASCII case.
    ///
    /// ```
    /// use wiretls_core::NamedGroup;
    /// assert_eq!(NamedGroup::from_name("P-384"), Some(NamedGroup::SECP384R1));
    /// assert_eq!(NamedGroup::from_name("x25519mlkem768"), Some(NamedGroup::X25519MLKEM768));
    /// assert_eq!(NamedGroup::from_name("brainpoolP256r1"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::KNOWN.iter().copied().find(|g| {
            let names = [g.name(), g.openssl_name()];
            names.into_iter().flatten().any(|n| n.eq_ignore_ascii_case(name))
        })
    }

    /// The name OpenSSL and BoringSSL use in their group lists.
    #[must_use]
    pub const fn openssl_name(self) -> Option<&'static str> {
        Some(match self.0 {
            23 => "P-256",
            24 => "P-384",
            25 => "P-521",
            29 => "X25519",
            30 => "X448",
            256 => "ffdhe2048",
            257 => "ffdhe3072",
            258 => "ffdhe4096",
            0x11ec => "X25519MLKEM768",
            _ => return None,
        })
    }

    /// The IANA name, when wiretls knows it.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            23 => "secp256r1",
            24 => "secp384r1",
            25 => "secp521r1",
            29 => "x25519",
            30 => "x448",
            256 => "ffdhe2048",
            257 => "ffdhe3072",
            258 => "ffdhe4096",
            0x11ec => "X25519MLKEM768",
            _ => return None,
        })
    }
}

impl fmt::Debug for NamedGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "group({:#06x})", self.0),
        }
    }
}

impl fmt::Display for NamedGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trips() {
        for s in CipherSuite::ALL {
            assert_eq!(CipherSuite::from_iana(s.iana()), Some(*s));
            assert_eq!(CipherSuite::from_name(s.name()), Some(*s));
            assert_eq!(CipherSuite::from_name(s.info().openssl_name), Some(*s));
        }
        // Weak suites have no constant: TLS_RSA_WITH_AES_128_CBC_SHA.
        assert_eq!(CipherSuite::from_iana(0x002f), None);
        assert_eq!(ProtocolVersion::from_wire(0x0302), None);
    }

    #[test]
    fn every_known_group_has_both_names_and_is_found_by_them() {
        for g in NamedGroup::KNOWN {
            let (Some(iana), Some(openssl)) = (g.name(), g.openssl_name()) else {
                panic!("{g:?} lacks a name");
            };
            assert_eq!(NamedGroup::from_name(iana), Some(*g));
            assert_eq!(NamedGroup::from_name(openssl), Some(*g));
            assert_eq!(NamedGroup::from_name(&iana.to_ascii_uppercase()), Some(*g));
        }
        assert_eq!(NamedGroup::from_name(""), None);
        assert_eq!(NamedGroup::from_name("secp224r1"), None);
    }
}
