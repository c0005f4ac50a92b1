//! The loopback benchmarks: real sockets on 127.0.0.1 and a tokio runtime,
//! wiretls-tokio next to the engine's own tokio adapter (tokio-rustls,
//! tokio-openssl, tokio-boring) doing the same work in the same run:
//! the throughput of one connection, and handshakes per second with 64
//! clients at once. Figures are wall-clock (both sides share the machine's
//! cores and the kernel's loopback), medians of interleaved runs.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiretls_core::Engine;
use wiretls_tokio::{TlsAcceptor, TlsConnector};

use crate::harness::Setup;
use crate::{Plan, Record, Test};

/// A TLS stream over a socket, whichever adapter made it.
pub trait AsyncStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> AsyncStream for T {}

/// A stream being made.
pub type Connecting<'a> = Pin<Box<dyn Future<Output = io::Result<Box<dyn AsyncStream>>> + Send + 'a>>;

/// A way to make TLS streams over sockets: wiretls-tokio or an engine's own
/// tokio adapter, configured for one [`Setup`].
pub trait Adapter: Send + Sync {
    /// The engine's name.
    fn engine(&self) -> &str;
    /// `wiretls` or `native`.
    fn path(&self) -> &'static str;
    /// The client's handshake over `tcp`.
    fn connect(&self, tcp: TcpStream) -> Connecting<'_>;
    /// The server's handshake over `tcp`.
    fn accept(&self, tcp: TcpStream) -> Connecting<'_>;
}

/// wiretls-tokio over an engine.
pub struct WiretlsTokio {
    engine: &'static str,
    connector: TlsConnector,
    acceptor: TlsAcceptor,
}

impl WiretlsTokio {
    /// wiretls-tokio over `engine`, configured for `setup`.
    ///
    /// # Errors
    /// Why `setup` cannot be configured.
    pub fn new(engine: Arc<dyn Engine>, setup: &Setup) -> Result<Self, String> {
        let client = crate::wiretls_path::client_tls(&*engine, setup)?;
        let server = crate::wiretls_path::server_tls(&*engine, setup)?;
        Ok(Self {
            engine: engine.name(),
            connector: TlsConnector::new(Arc::clone(&engine), client),
            acceptor: TlsAcceptor::new(engine, server),
        })
    }
}

impl Adapter for WiretlsTokio {
    fn engine(&self) -> &str {
        self.engine
    }

    fn path(&self) -> &'static str {
        "wiretls"
    }

    fn connect(&self, tcp: TcpStream) -> Connecting<'_> {
        Box::pin(async move { Ok(Box::new(self.connector.connect(tcp).await?) as Box<dyn AsyncStream>) })
    }

    fn accept(&self, tcp: TcpStream) -> Connecting<'_> {
        Box::pin(async move { Ok(Box::new(self.acceptor.accept(tcp).await?) as Box<dyn AsyncStream>) })
    }
}

/// A listener on 127.0.0.1 that runs `serve` for each accepted stream
/// until `count` connections were served; returns its address and the task.
async fn server<F, Fut>(
    adapter: Arc<dyn Adapter>,
    count: usize,
    serve: F,
) -> io::Result<(std::net::SocketAddr, tokio::task::JoinHandle<io::Result<()>>)>
where
    F: Fn(Box<dyn AsyncStream>) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = io::Result<()>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let mut tasks = Vec::with_capacity(count);
        for _ in 0..count {
            let (tcp, _) = listener.accept().await?;
            tcp.set_nodelay(true)?;
            let adapter = Arc::clone(&adapter);
            tasks.push(tokio::spawn(async move { serve(adapter.accept(tcp).await?).await }));
        }
        for task in tasks {
            task.await.map_err(io::Error::other)??;
        }
        Ok(())
    });
    Ok((address, task))
}

/// MB/s of one connection sending `bytes` in 16 KiB writes to a server that
/// reads them all and answers one byte (the handshake is not timed).
async fn throughput(adapter: Arc<dyn Adapter>, bytes: usize) -> io::Result<f64> {
    let (address, task) = server(Arc::clone(&adapter), 1, move |mut tls| async move {
        let mut buf = vec![0u8; 64 * 1024];
        let mut got = 0usize;
        while got < bytes {
            match tls.read(&mut buf).await? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => got += n,
            }
        }
        tls.write_all(b"k").await?;
        tls.flush().await
    })
    .await?;
    let tcp = TcpStream::connect(address).await?;
    tcp.set_nodelay(true)?;
    let mut tls = adapter.connect(tcp).await?;
    let chunk = vec![0x5au8; 16 * 1024];
    let start = Instant::now();
    let mut sent = 0;
    while sent < bytes {
        let n = chunk.len().min(bytes - sent);
        tls.write_all(&chunk[..n]).await?;
        sent += n;
    }
    tls.flush().await?;
    let mut ack = [0u8; 1];
    tls.read_exact(&mut ack).await?;
    let seconds = start.elapsed().as_secs_f64();
    task.await.map_err(io::Error::other)??;
    Ok(bytes as f64 / seconds / 1e6)
}

/// Handshakes per second: `clients` tasks at once, each making `each`
/// connections one after the other (handshake, one byte each way).
async fn handshakes(adapter: Arc<dyn Adapter>, clients: usize, each: usize) -> io::Result<f64> {
    let (address, task) = server(Arc::clone(&adapter), clients * each, |mut tls| async move {
        let mut byte = [0u8; 1];
        tls.read_exact(&mut byte).await?;
        tls.write_all(&byte).await?;
        tls.flush().await
    })
    .await?;
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let adapter = Arc::clone(&adapter);
        tasks.push(tokio::spawn(async move {
            for _ in 0..each {
                let tcp = TcpStream::connect(address).await?;
                tcp.set_nodelay(true)?;
                let mut tls = adapter.connect(tcp).await?;
                tls.write_all(b"h").await?;
                tls.flush().await?;
                let mut byte = [0u8; 1];
                tls.read_exact(&mut byte).await?;
            }
            Ok::<(), io::Error>(())
        }));
    }
    for t in tasks {
        t.await.map_err(io::Error::other)??;
    }
    let seconds = start.elapsed().as_secs_f64();
    task.await.map_err(io::Error::other)??;
    Ok((clients * each) as f64 / seconds)
}

/// The work callgrind counts for the loopback handshakes (the driver or a
/// person passes `--toggle-collect=*loopback_work*`): `count` handshakes
/// through `adapter`, 8 clients at once, on a current-thread runtime.
///
/// # Panics
/// When a handshake fails.
#[inline(never)]
pub fn loopback_work(adapter: Arc<dyn Adapter>, count: usize) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => panic!("a tokio runtime: {e}"),
    };
    let clients = count.clamp(1, 8);
    if let Err(e) = runtime.block_on(handshakes(adapter, clients, count.div_ceil(clients))) {
        panic!("loopback handshakes: {e}");
    }
}

/// The number of clients at once in the handshake benchmark.
pub const CONCURRENT_CLIENTS: usize = 64;

/// Both loopback benchmarks for `adapters` (wiretls-tokio and the native
/// adapter of one engine), their runs interleaved, on a two-worker runtime.
pub fn measure(adapters: &[Arc<dyn Adapter>], plan: &Plan) -> Vec<Record> {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => panic!("a tokio runtime: {e}"),
    };
    let bytes = plan.bulk_bytes * 16;
    let each = (plan.handshakes / 10).max(1);
    let mut out = Vec::new();
    for test in [Test::LoopbackThroughput, Test::LoopbackHandshakes { clients: CONCURRENT_CLIENTS }] {
        let mut records: Vec<Record> = adapters
            .iter()
            .map(|a| Record {
                engine: a.engine().to_owned(),
                path: a.path().to_owned(),
                test: test.clone(),
                client: Vec::new(),
                server: Vec::new(),
                memory: None,
                note: None,
            })
            .collect();
        for run in 0..plan.runs {
            // Paired runs swap which adapter goes first.
            let order: Vec<usize> = if run % 2 == 0 {
                (0..adapters.len()).collect()
            } else {
                (0..adapters.len()).rev().collect()
            };
            for i in order {
                if records[i].note.is_some() {
                    continue;
                }
                let adapter = Arc::clone(&adapters[i]);
                let result = runtime.block_on(async {
                    match test {
                        Test::LoopbackThroughput => throughput(adapter, bytes).await,
                        _ => handshakes(adapter, CONCURRENT_CLIENTS, each).await,
                    }
                });
                match result {
                    Ok(figure) => {
                        records[i].client.push(figure);
                        records[i].server.push(figure);
                    }
                    Err(e) => records[i].note = Some(format!("{}: {e}", adapters[i].path())),
                }
            }
        }
        out.extend(records);
    }
    out
}
