//! The differences between an engine used directly and wiretls over it
//! that remain, each with its reason. [`super::check`] fails on a
//! difference that is not here and on a line here that no longer differs.

/// One listed difference.
#[derive(Clone, Copy, Debug)]
pub struct Divergence {
    /// The engine.
    pub engine: &'static str,
    /// The attack (`class::name`).
    pub attack: &'static str,
    /// Why wiretls answers differently, and why that is not worse.
    pub reason: &'static str,
}

/// Every listed difference.
pub const LISTED: &[Divergence] = &[
    Divergence {
        engine: "rustls",
        attack: "size::plaintext_record_too_long",
        reason:
            "rustls used directly (ServerConnection::complete_io) closes without an alert; wiretls reads \
                 the record header first and answers record_overflow, the alert RFC 8446 5.1 asks for: \
                 stricter, not worse",
    },
    Divergence { engine: "rustls", attack: "size::hello_64k", reason: BUFFER_FULL },
    Divergence { engine: "rustls", attack: "size::hello_16k_in_1_byte_records", reason: BUFFER_FULL },
    Divergence { engine: "rustls", attack: "sealed::key_update_requested", reason: KEY_UPDATE },
    Divergence { engine: "rustls", attack: "sealed::key_update_requested_after_a_pause", reason: KEY_UPDATE },
    Divergence { engine: "rustls", attack: "sealed::key_update_split_across_records", reason: KEY_UPDATE },
    Divergence { engine: "openssl", attack: "sealed::key_update_requested", reason: KEY_UPDATE },
    Divergence {
        engine: "openssl",
        attack: "sealed::key_update_requested_after_a_pause",
        reason: KEY_UPDATE,
    },
    Divergence { engine: "openssl", attack: "sealed::key_update_split_across_records", reason: KEY_UPDATE },
    Divergence { engine: "boring", attack: "sealed::key_update_requested", reason: KEY_UPDATE },
    Divergence { engine: "boring", attack: "sealed::key_update_requested_after_a_pause", reason: KEY_UPDATE },
    Divergence { engine: "boring", attack: "sealed::key_update_split_across_records", reason: KEY_UPDATE },
];

/// Why wiretls answers an over-long ClientHello with an alert.
const BUFFER_FULL: &str = "rustls's buffer for the ClientHello fills (a 64 KiB hello, or a 16 KiB one whose \
                           1-byte records bring 5 header bytes each) and rustls alone reports only an I/O \
                           error from read_tls, closing without an alert; wiretls answers decode_error, as \
                           rustls itself does for a handshake message over its limit. Stricter, not worse";

/// Why wiretls answers a KeyUpdate with update_requested at once.
const KEY_UPDATE: &str =
    "the engine alone keeps its KeyUpdate answer until the application next writes, so a \
                          peer that waits for it before it goes on waits forever; wiretls's pump sends it \
                          after the data_from_wire that brought the request (RFC 8446 4.6.3: before the next \
                          application data, and a reader must not sit on it). Better, not worse";

/// The listed difference for `engine` and `attack`.
pub fn find(engine: &str, attack: &str) -> Option<&'static Divergence> {
    LISTED.iter().find(|d| d.engine == engine && d.attack == attack)
}
