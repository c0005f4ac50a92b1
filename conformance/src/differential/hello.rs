//! A ClientHello built field by field, so that an attack can change one
//! field and keep the rest of a hello that every engine accepts.

use crate::craft::record;

/// Extension code points used by the attacks.
pub mod ext {
    /// server_name (RFC 6066).
    pub const SERVER_NAME: u16 = 0;
    /// supported_groups (RFC 8422, RFC 8446).
    pub const SUPPORTED_GROUPS: u16 = 10;
    /// ec_point_formats (RFC 8422).
    pub const EC_POINT_FORMATS: u16 = 11;
    /// signature_algorithms (RFC 8446).
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    /// padding (RFC 7685).
    pub const PADDING: u16 = 21;
    /// extended_master_secret (RFC 7627).
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    /// supported_versions (RFC 8446).
    pub const SUPPORTED_VERSIONS: u16 = 43;
    /// psk_key_exchange_modes (RFC 8446).
    pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
    /// key_share (RFC 8446).
    pub const KEY_SHARE: u16 = 51;
    /// renegotiation_info (RFC 5746).
    pub const RENEGOTIATION_INFO: u16 = 0xff01;
}

/// Named groups used by the attacks.
pub mod group {
    /// secp256r1.
    pub const SECP256R1: u16 = 23;
    /// secp384r1.
    pub const SECP384R1: u16 = 24;
    /// x25519.
    pub const X25519: u16 = 29;
}

/// x25519's base point (u = 9): a valid public key.
pub const X25519_POINT: [u8; 32] = {
    let mut p = [0; 32];
    p[0] = 9;
    p
};

/// P-256's generator, uncompressed: a valid public key.
pub const P256_POINT: [u8; 65] = [
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
    0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96, 0x4f,
    0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce,
    0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
];

/// The suites every hello offers: TLS 1.3's three, then TLS 1.2's ECDHE
/// AEAD suites (what wiretls offers on every engine).
pub const SUITES: [u16; 9] = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8];

/// A ClientHello, field by field.
#[derive(Clone, Debug)]
pub struct ClientHello {
    /// legacy_version (0x0303 for TLS 1.2 and 1.3).
    pub legacy_version: u16,
    /// The client random.
    pub random: [u8; 32],
    /// legacy_session_id.
    pub session_id: Vec<u8>,
    /// The offered suites.
    pub suites: Vec<u16>,
    /// The compression methods.
    pub compression: Vec<u8>,
    /// The extensions in order: (type, body).
    pub extensions: Vec<(u16, Vec<u8>)>,
}

impl ClientHello {
    /// What a TLS 1.3 client offering 1.3 and 1.2 sends: an x25519 key
    /// share, x25519, P-256 and P-384, ECDSA and RSA signatures.
    pub fn tls13(server_name: &str) -> Self {
        let mut hello = Self::tls12(server_name);
        hello.session_id = vec![0x33; 32];
        hello.extensions.push((ext::SUPPORTED_VERSIONS, versions(&[0x0304, 0x0303])));
        hello.extensions.push((ext::PSK_KEY_EXCHANGE_MODES, vec![1, 1]));
        hello.extensions.push((ext::KEY_SHARE, key_shares(&[(group::X25519, &X25519_POINT)])));
        hello
    }

    /// What a TLS 1.2 client sends: no supported_versions, no key share.
    pub fn tls12(server_name: &str) -> Self {
        let mut sni = vec![0];
        sni.extend_from_slice(&len16(server_name.as_bytes()));
        let schemes = [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0807];
        Self {
            legacy_version: 0x0303,
            random: [0x5a; 32],
            session_id: Vec::new(),
            suites: SUITES.to_vec(),
            compression: vec![0],
            extensions: vec![
                (ext::SERVER_NAME, len16(&sni)),
                (ext::SUPPORTED_GROUPS, u16_list(&[group::X25519, group::SECP256R1, group::SECP384R1])),
                (ext::EC_POINT_FORMATS, vec![1, 0]),
                (ext::SIGNATURE_ALGORITHMS, u16_list(&schemes)),
                (ext::EXTENDED_MASTER_SECRET, Vec::new()),
                (ext::RENEGOTIATION_INFO, vec![0]),
            ],
        }
    }

    /// This hello with the extension `kind` set to `body` (replaced where
    /// it is, appended otherwise).
    pub fn with(mut self, kind: u16, body: Vec<u8>) -> Self {
        match self.extensions.iter_mut().find(|(k, _)| *k == kind) {
            Some(slot) => slot.1 = body,
            None => self.extensions.push((kind, body)),
        }
        self
    }

    /// This hello without the extension `kind`.
    pub fn without(mut self, kind: u16) -> Self {
        self.extensions.retain(|(k, _)| *k != kind);
        self
    }

    /// This hello with a padding extension that makes its message `size`
    /// bytes long (at least as long as it is without padding).
    pub fn padded_to(self, size: usize) -> Self {
        let bare = self.clone().without(ext::PADDING).message().len();
        let pad = size.saturating_sub(bare + 4);
        self.with(ext::PADDING, vec![0; pad])
    }

    /// The handshake message: type 1, a 24-bit length, the body.
    pub fn message(&self) -> Vec<u8> {
        let mut body = self.legacy_version.to_be_bytes().to_vec();
        body.extend_from_slice(&self.random);
        body.extend_from_slice(&len8(&self.session_id));
        body.extend_from_slice(&u16_list(&self.suites));
        body.extend_from_slice(&len8(&self.compression));
        let mut extensions = Vec::new();
        for (kind, data) in &self.extensions {
            extensions.extend_from_slice(&kind.to_be_bytes());
            extensions.extend_from_slice(&len16(data));
        }
        body.extend_from_slice(&len16(&extensions));
        handshake(1, &body)
    }

    /// The message in records of at most 16,384 bytes.
    pub fn records(&self) -> Vec<u8> {
        fragments(22, &self.message(), 16_384)
    }
}

/// A handshake message: type, 24-bit length, body.
pub fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    let len = u32::try_from(body.len()).unwrap_or(u32::MAX).to_be_bytes();
    out.extend_from_slice(&len[1..]);
    out.extend_from_slice(body);
    out
}

/// `payload` in records of `content_type` of at most `size` bytes each
/// (record version 0x0301, as a first flight uses).
pub fn fragments(content_type: u8, payload: &[u8], size: usize) -> Vec<u8> {
    payload.chunks(size.max(1)).flat_map(|chunk| record(content_type, 0x0301, chunk)).collect()
}

/// supported_versions' body: an 8-bit length, then the versions.
pub fn versions(values: &[u16]) -> Vec<u8> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_be_bytes()).collect();
    len8(&bytes)
}

/// key_share's body in a ClientHello: (group, key) entries.
pub fn key_shares(entries: &[(u16, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (group, key) in entries {
        body.extend_from_slice(&group.to_be_bytes());
        body.extend_from_slice(&len16(key));
    }
    len16(&body)
}

/// A list of 16-bit values with a 16-bit length.
pub fn u16_list(values: &[u16]) -> Vec<u8> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_be_bytes()).collect();
    len16(&bytes)
}

/// `body` after its 8-bit length.
pub fn len8(body: &[u8]) -> Vec<u8> {
    let mut out = vec![u8::try_from(body.len()).unwrap_or(u8::MAX)];
    out.extend_from_slice(body);
    out
}

/// `body` after its 16-bit length.
pub fn len16(body: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(body.len()).unwrap_or(u16::MAX).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_gives_the_size_asked_for() {
        for size in [1_000, 16_384, 65_536] {
            assert_eq!(ClientHello::tls13("a.test").padded_to(size).message().len(), size);
        }
    }
}
