//! # wiretls-tokio
//!
//! wiretls over tokio: [`TlsConnector`] and [`TlsAcceptor`] start
//! connections on any wiretls engine over any `AsyncRead + AsyncWrite +
//! Unpin` transport (a `TcpStream`, a `UnixStream`, a `duplex` pipe), the
//! handshake is a future ([`Handshake`]), and the [`TlsStream`] it gives is
//! itself `AsyncRead + AsyncWrite`. Certificate stores may be async
//! ([`AsyncServerCertificates`], [`AsyncClientCertificateStore`], bridged by
//! [`AsyncStore`]).
//!
//! The engine is an `Arc<dyn Engine>`: `wiretls::shared_engine("openssl")`
//! picks one by name, `wiretls::default_shared_engine()` the default. This
//! crate depends on no engine, so it builds beside any of them.
//!
//! An echo server and a client over 127.0.0.1:
//!
//! ```
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! use wiretls::{CertificateChain, ClientTls, ServerTls, TrustStore};
//! use wiretls_tokio::{TlsAcceptor, TlsConnector};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../conformance/fixtures");
//! # let chain_pem = std::fs::read(format!("{dir}/server-p256.pem"))?;
//! # let root_pem = std::fs::read(format!("{dir}/root-ca.pem"))?;
//! let engine = wiretls::default_shared_engine();
//! let acceptor = TlsAcceptor::new(engine.clone(), ServerTls::from_chain(CertificateChain::from_pem(&chain_pem)?));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let address = listener.local_addr()?;
//! tokio::spawn(async move {
//!     let (tcp, _) = listener.accept().await?;
//!     let mut tls = acceptor.accept(tcp).await?;
//!     let mut line = [0u8; 5];
//!     tls.read_exact(&mut line).await?;
//!     tls.write_all(&line).await?;
//!     tls.shutdown().await // close_notify, flushed
//! #   ; Ok::<(), std::io::Error>(())
//! });
//!
//! let client = ClientTls::new("server.wiretls.test")?.with_trust_root(TrustStore::from_pem(&root_pem)?);
//! let connector = TlsConnector::new(engine, client);
//! let mut tls = connector.connect(tokio::net::TcpStream::connect(address).await?).await?;
//! tls.write_all(b"hello").await?;
//! let mut echoed = Vec::new();
//! tls.read_to_end(&mut echoed).await?; // to the server's close_notify
//! assert_eq!(echoed, b"hello");
//! assert_eq!(tls.info().version, Some(wiretls::ProtocolVersion::Tls13));
//! assert_eq!(tls.peer_certificates().len(), 2);
//! # Ok(())
//! # }
//! ```
//!
//! Errors: every wiretls error reaches the caller as an [`std::io::Error`]
//! whose source is the typed [`wiretls_core::Error`]
//! (`wiretls_core::Error::from_io(&e)` finds it); a transport that ends
//! without `close_notify` is [`std::io::ErrorKind::UnexpectedEof`] carrying
//! `BadTlsData { kind: Truncated }`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::must_use_candidate)]

mod connector;
mod stores;
mod stream;

pub use async_trait::async_trait;
pub use connector::{Handshake, TlsAcceptor, TlsConnector};
pub use stores::{AsyncClientCertificateStore, AsyncServerCertificates, AsyncStore};
pub use stream::{TlsStream, WIRE_BACKLOG_LIMIT};
