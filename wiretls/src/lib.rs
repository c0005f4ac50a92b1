//! # wiretls
//!
//! A sans-IO TLS connection API, the "Python TLS API" design of 2014, over
//! a choice of engines. This facade re-exports [`wiretls_core`] and the
//! engines chosen by cargo features, and picks an engine by name at run
//! time.
//!
//! | feature | engine name | crate |
//! |---|---|---|
//! | `rustls` (default) | `rustls` | `wiretls-rustls` with aws-lc-rs |
//! | `rustls-ring` | `rustls-ring` | `wiretls-rustls` with *ring* |
//! | `openssl` | `openssl` | `wiretls-openssl` over the system's OpenSSL 3 |
//! | `boring` | `boring` | `wiretls-boring` over BoringSSL |
//! | `native-tls` | `native-tls` | `wiretls-native-tls`: the platform's TLS (OpenSSL on Linux) |
//!
//! `openssl` and `boring` cannot be enabled together: OpenSSL and BoringSSL
//! export the same C symbols, and a binary linking both calls one of them
//! where it meant the other (or fails to link). On Linux native-tls is
//! OpenSSL, so `native-tls` and `boring` cannot be enabled together either. Build one binary per engine
//! and run the other in a separate process (the conformance suite's
//! `remote` module shows how a sans-IO connection makes that easy).
//!
//! A client and a server, connected in memory (the example of README.md):
//!
//! ```
//! use wiretls::{CertificateChain, ClientTls, Outbox, ServerTls, TrustStore};
//!
//! # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../conformance/fixtures");
//! # let chain_pem = std::fs::read(format!("{dir}/server-p256.pem")).unwrap();
//! # let root_pem = std::fs::read(format!("{dir}/root-ca.pem")).unwrap();
//! let engine = wiretls::default_engine();
//! let chain = CertificateChain::from_pem(&chain_pem)?; // leaf, intermediate, key
//! let server = ServerTls::from_chain(chain);
//! let client = ClientTls::new("server.wiretls.test")?.with_trust_root(TrustStore::from_pem(&root_pem)?);
//!
//! let (to_server, to_client) = (Outbox::new(), Outbox::new());
//! let mut c = client.start(&engine, to_server.wire())?; // the ClientHello is in `to_server`
//! let mut s = server.start(&engine, to_client.wire())?;
//! c.data_from_application(b"hello")?; // kept until the handshake is done
//! let mut received = Vec::new();
//! while !to_server.is_empty() || !to_client.is_empty() {
//!     received.extend(s.data_from_wire(&to_server.take())?);
//!     c.data_from_wire(&to_client.take())?;
//! }
//! assert_eq!(received, b"hello");
//! assert_eq!(c.info().version, Some(wiretls::ProtocolVersion::Tls13));
//! assert_eq!(c.peer_certificates().len(), 2); // leaf and intermediate, as the server sent them
//! # Ok::<(), wiretls::Error>(())
//! ```
//!
//! Over a socket, [`blocking::TlsStream`] runs that loop for a `Read + Write`
//! transport and is itself `Read + Write`. A threaded server shares one
//! engine: [`shared_engine`] and [`default_shared_engine`] give an
//! `Arc<dyn Engine>`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::must_use_candidate)]

#[cfg(all(feature = "openssl", feature = "boring"))]
compile_error!(
    "wiretls: the `openssl` and `boring` features cannot be enabled together. OpenSSL and BoringSSL \
     export the same symbols (SSL_new, ...), so one binary cannot link both: the link fails, or \
     silently calls BoringSSL where OpenSSL was meant. Enable one of them per binary, and run the \
     other engine in another process if you need both (see wiretls-conformance's `remote` module)."
);

#[cfg(all(
    feature = "native-tls",
    feature = "boring",
    not(any(target_os = "windows", target_vendor = "apple"))
))]
compile_error!(
    "wiretls: the `native-tls` and `boring` features cannot be enabled together here. On this platform \
     native-tls is OpenSSL underneath, and OpenSSL and BoringSSL export the same symbols (SSL_new, ...), \
     so one binary cannot link both: the link fails, or silently calls BoringSSL where OpenSSL was meant. \
     Enable one of them per binary, and run the other engine in another process if you need both (see \
     wiretls-conformance's `remote` module)."
);

pub use wiretls_core::*;

pub mod blocking;

use std::sync::Arc;

#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
pub use wiretls_rustls::RustlsEngine;

#[cfg(feature = "openssl")]
pub use wiretls_openssl::OpensslEngine;

#[cfg(feature = "boring")]
pub use wiretls_boring::BoringEngine;

#[cfg(feature = "native-tls")]
pub use wiretls_native_tls::NativeTlsEngine;

/// Every engine compiled in, the default first.
#[must_use]
pub fn engines() -> Vec<Box<dyn Engine>> {
    let engines: [Option<Box<dyn Engine>>; 5] = [
        #[cfg(feature = "rustls")]
        Some(Box::new(RustlsEngine::aws_lc_rs())),
        #[cfg(not(feature = "rustls"))]
        None,
        #[cfg(feature = "rustls-ring")]
        Some(Box::new(RustlsEngine::ring())),
        #[cfg(not(feature = "rustls-ring"))]
        None,
        #[cfg(feature = "openssl")]
        Some(Box::new(OpensslEngine::new())),
        #[cfg(not(feature = "openssl"))]
        None,
        #[cfg(feature = "boring")]
        Some(Box::new(BoringEngine::new())),
        #[cfg(not(feature = "boring"))]
        None,
        #[cfg(feature = "native-tls")]
        Some(Box::new(NativeTlsEngine::new())),
        #[cfg(not(feature = "native-tls"))]
        None,
    ];
    engines.into_iter().flatten().collect()
}

/// The names of the engines compiled in, the default first.
#[must_use]
pub fn engine_names() -> Vec<&'static str> {
    engines().iter().map(|e| e.name()).collect()
}

/// The engine called `name`.
///
/// # Errors
/// [`ConfigError::UnknownEngine`] when no engine of that name is compiled in.
pub fn engine(name: &str) -> Result<Box<dyn Engine>, Error> {
    let mut all = engines();
    match all.iter().position(|e| e.name() == name) {
        Some(i) => Ok(all.swap_remove(i)),
        None => {
            Err(ConfigError::UnknownEngine { name: name.to_owned(), available: engine_names().join(", ") }
                .into())
        }
    }
}

/// The engine called `name`, to share between threads (an `Arc`, where
/// [`engine()`] gives a `Box`; `Arc::from(box)` converts one).
///
/// ```
/// let engine = wiretls::shared_engine("rustls")?;
/// let for_a_thread = engine.clone();
/// std::thread::spawn(move || println!("{}", for_a_thread.name())).join().unwrap();
/// # Ok::<(), wiretls::Error>(())
/// ```
///
/// # Errors
/// [`ConfigError::UnknownEngine`] when no engine of that name is compiled in.
pub fn shared_engine(name: &str) -> Result<Arc<dyn Engine>, Error> {
    engine(name).map(Arc::from)
}

/// The default engine, to share between threads: [`default_engine`] in an
/// `Arc`.
///
/// ```
/// let engine = wiretls::default_shared_engine();
/// assert_eq!(engine.name(), wiretls::engine_names()[0]);
/// ```
///
/// # Panics
/// As [`default_engine`].
#[must_use]
pub fn default_shared_engine() -> Arc<dyn Engine> {
    Arc::from(default_engine())
}

/// The default engine: the first compiled in.
///
/// # Panics
/// Never when built with any engine feature; without one there is no
/// engine, which [`engines`] reports as an empty list.
#[must_use]
pub fn default_engine() -> Box<dyn Engine> {
    engines().into_iter().next().unwrap_or_else(|| panic!("wiretls was built without an engine feature"))
}

/// The native-tls feature's engine by name (run by `ci/lint.sh` with
/// `--features native-tls --lib`: the workspace's test build leaves the
/// facade's OpenSSL-family features off, since its doc tests would link
/// BoringSSL's `libssl` there).
#[cfg(all(test, feature = "native-tls"))]
mod native_tls_feature {
    #[test]
    fn engine_by_name() {
        assert!(super::engine_names().contains(&"native-tls"));
        let engine = super::engine("native-tls").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(engine.name(), "native-tls");
        assert!(!engine.capabilities().verify_callback);
    }
}
