//! [`TlsConnector`] and [`TlsAcceptor`]: start a connection over a
//! transport, and the handshake as a future.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite};
use wiretls_core::{ClientTls, Connection, Engine, MemoryWire, ServerTls, StartOptions};

use crate::TlsStream;

/// Starts client connections over transports: a [`ClientTls`] and the
/// engine that runs it (`Clone`, cheap: both are shared).
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
/// let engine = wiretls::shared_engine("rustls").expect("compiled in"); // any engine, by name
/// let config = wiretls::ClientTls::new("example.com").expect("a valid name");
/// let connector = wiretls_tokio::TlsConnector::new(engine, config);
/// let tcp = tokio::net::TcpStream::connect("example.com:443").await?;
/// let mut tls = connector.connect(tcp).await?;
/// tls.write_all(b"GET / HTTP/1.0\r\n\r\n").await?;
/// let mut page = Vec::new();
/// tls.read_to_end(&mut page).await?;
/// println!("{:?}, {} bytes", tls.info().version, page.len());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct TlsConnector {
    engine: Arc<dyn Engine>,
    config: ClientTls,
}

impl TlsConnector {
    /// Connect with `config` on `engine` (for an engine chosen by name:
    /// `wiretls::shared_engine(name)`).
    pub fn new(engine: Arc<dyn Engine>, config: ClientTls) -> Self {
        Self { engine, config }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ClientTls {
        &self.config
    }

    /// The engine.
    #[must_use]
    pub fn engine(&self) -> &Arc<dyn Engine> {
        &self.engine
    }

    /// Start a connection over `io` (already connected to the server); the
    /// future completes when the handshake did.
    pub fn connect<IO: AsyncRead + AsyncWrite + Unpin>(&self, io: IO) -> Handshake<IO> {
        self.connect_with(io, StartOptions::new())
    }

    /// [`TlsConnector::connect`] with per-connection options (the verify
    /// callback).
    pub fn connect_with<IO: AsyncRead + AsyncWrite + Unpin>(
        &self,
        io: IO,
        options: StartOptions,
    ) -> Handshake<IO> {
        Handshake::start(self.config.start_with(&self.engine, MemoryWire::new(), options), io)
    }
}

impl std::fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConnector")
            .field("engine", &self.engine.name())
            .field("config", &self.config)
            .finish()
    }
}

/// Accepts server connections over transports: a [`ServerTls`] and the
/// engine that runs it (`Clone`, cheap).
#[derive(Clone)]
pub struct TlsAcceptor {
    engine: Arc<dyn Engine>,
    config: ServerTls,
}

impl TlsAcceptor {
    /// Accept with `config` on `engine`.
    pub fn new(engine: Arc<dyn Engine>, config: ServerTls) -> Self {
        Self { engine, config }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ServerTls {
        &self.config
    }

    /// The engine.
    #[must_use]
    pub fn engine(&self) -> &Arc<dyn Engine> {
        &self.engine
    }

    /// Run the server's side of a handshake over `io` (a client's
    /// connection); the future completes when the handshake did.
    pub fn accept<IO: AsyncRead + AsyncWrite + Unpin>(&self, io: IO) -> Handshake<IO> {
        self.accept_with(io, StartOptions::new())
    }

    /// [`TlsAcceptor::accept`] with per-connection options (a verify
    /// callback for client certificates).
    pub fn accept_with<IO: AsyncRead + AsyncWrite + Unpin>(
        &self,
        io: IO,
        options: StartOptions,
    ) -> Handshake<IO> {
        Handshake::start(self.config.start_with(&self.engine, MemoryWire::new(), options), io)
    }
}

impl std::fmt::Debug for TlsAcceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsAcceptor")
            .field("engine", &self.engine.name())
            .field("config", &self.config)
            .finish()
    }
}

/// A handshake in progress: resolves to the [`TlsStream`] once it
/// completed, or to the handshake's error (an [`io::Error`] whose source is
/// the wiretls error). Dropping it drops the connection and the transport;
/// a certificate store still working then gets
/// [`InvalidatedReason::Abandoned`](wiretls_core::InvalidatedReason::Abandoned)
/// for its answer.
#[must_use = "a handshake does nothing unless awaited"]
pub struct Handshake<IO> {
    state: Option<io::Result<TlsStream<IO>>>,
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Handshake<IO> {
    fn start(conn: Result<Connection, wiretls_core::Error>, io: IO) -> Self {
        let state = conn.map_err(io::Error::from).and_then(|conn| TlsStream::new(conn, io));
        Self { state: Some(state) }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Future for Handshake<IO> {
    type Output = io::Result<TlsStream<IO>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let result = match self.state.as_mut() {
            None => {
                return Poll::Ready(Err(io::Error::other(
                    "the handshake future was polled after it completed",
                )))
            }
            Some(Err(_)) => Poll::Ready(Ok(())),
            Some(Ok(stream)) => stream.poll_handshake(cx),
        };
        match result {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(())) => match self.state.take() {
                Some(state) => Poll::Ready(state),
                None => {
                    Poll::Ready(Err(io::Error::other("the handshake future was polled after it completed")))
                }
            },
            Poll::Ready(Err(e)) => {
                self.state = None;
                Poll::Ready(Err(e))
            }
        }
    }
}

impl<IO> std::fmt::Debug for Handshake<IO> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handshake").field("done", &self.state.is_none()).finish_non_exhaustive()
    }
}
