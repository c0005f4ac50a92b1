//! Ports for external tools that must be told one (`gnutls-serv -p`,
//! `openssl s_server -accept`).
//!
//! A port from `bind(127.0.0.1:0)`, released and handed to a tool, races
//! every other `bind(0)` on the machine: the kernel may give the same port
//! to another test's listener before the tool binds it, and the test then
//! talks to the wrong server. These ports come from below the kernel's
//! ephemeral range (32768-60999 on Linux by default), where `bind(0)` never
//! lands, chosen at random so that concurrent runs seldom pick the same one.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::TcpListener;

/// The range the ports come from.
pub const RANGE: std::ops::Range<u16> = 20000..32768;

/// A port below the ephemeral range that was free a moment ago.
///
/// # Errors
/// When none of many random tries could be bound.
pub fn tool_port() -> std::io::Result<u16> {
    let span = u64::from(RANGE.end - RANGE.start);
    let mut last = None;
    for attempt in 0..200u64 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(attempt);
        hasher.write_u32(std::process::id());
        // The remainder is below `span`, which fits in u16.
        let port = RANGE.start + u16::try_from(hasher.finish() % span).unwrap_or(0);
        match TcpListener::bind(("127.0.0.1", port)) {
            Ok(_) => return Ok(port),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no port")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ports_are_below_the_ephemeral_range_and_bindable() {
        for _ in 0..20 {
            let port = super::tool_port().expect("a port");
            assert!(super::RANGE.contains(&port));
            std::net::TcpListener::bind(("127.0.0.1", port)).expect("still free");
        }
    }
}
