//! One interop cell over 127.0.0.1: a wiretls client against a wiretls
//! server, and a wiretls side against an external tool.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiretls_core::Engine;
use wiretls_tokio::{TlsAcceptor, TlsConnector, TlsStream};

use super::scenarios::{Kind, Pki, Scenario, Seen};
use super::tools::{Tool, ToolProcess};
use crate::client::reason;

/// A check of the bytes a server answered with.
type Expect = dyn Fn(&[u8]) -> bool;

/// How long one cell may take before it counts as a hang.
pub(crate) const CELL_TIMEOUT: Duration = Duration::from_secs(15);

/// The line the client sends; the server echoes it (s_server -rev reverses it).
const PING: &[u8] = b"ping\n";
/// What a wiretls server sends before its own close in [`Kind::ServerClose`].
const BYE: &[u8] = b"bye\n";

/// Read until `n` bytes arrived (or the stream ended).
async fn read_n<S: AsyncRead + Unpin>(s: &mut S, n: usize) -> Result<Vec<u8>, String> {
    let mut got = vec![0u8; n];
    let mut filled = 0;
    while filled < n {
        match s.read(&mut got[filled..]).await {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) => return Err(reason(&e)),
        }
    }
    got.truncate(filled);
    Ok(got)
}

/// Read to the peer's clean end: `close_notify` (an end without it is an error).
async fn read_to_close<S: AsyncRead + Unpin>(s: &mut S) -> Result<Vec<u8>, String> {
    let mut all = Vec::new();
    s.read_to_end(&mut all).await.map_err(|e| format!("no clean close: {}", reason(&e)))?;
    Ok(all)
}

/// The client's part: a line each way and its close (or, in `ServerClose`,
/// the server's data and close). `expect` is the server's answer to PING.
async fn client_exchange<IO: AsyncRead + AsyncWrite + Unpin>(
    s: &mut TlsStream<IO>,
    scenario: &Scenario,
    request: &[u8],
    expect: &dyn Fn(&[u8]) -> bool,
) -> Result<(), String> {
    s.write_all(request).await.map_err(|e| reason(&e))?;
    s.flush().await.map_err(|e| reason(&e))?;
    if scenario.kind == Kind::ServerClose {
        let all = read_to_close(s).await?;
        if !expect(&all) {
            return Err(format!(
                "client: unexpected data before the close: {:?}",
                String::from_utf8_lossy(&all)
            ));
        }
        // Our answer to the server's close_notify was sent by the connection.
        return Ok(());
    }
    let got = read_n(s, request.len()).await?;
    if !expect(&got) {
        return Err(format!("client: the echo was {:?}", String::from_utf8_lossy(&got)));
    }
    s.shutdown().await.map_err(|e| reason(&e))?;
    let rest = read_to_close(s).await?;
    if !rest.is_empty() {
        return Err(format!("client: {} bytes after the echo", rest.len()));
    }
    Ok(())
}

/// The server's part: echo a line and answer the client's close (or, in
/// `ServerClose`, send BYE and close first).
async fn server_exchange<IO: AsyncRead + AsyncWrite + Unpin>(
    s: &mut TlsStream<IO>,
    scenario: &Scenario,
) -> Result<(), String> {
    let line = read_n(s, PING.len()).await?;
    if line != PING {
        return Err(format!("server: received {:?}", String::from_utf8_lossy(&line)));
    }
    if scenario.kind == Kind::ServerClose {
        s.write_all(BYE).await.map_err(|e| reason(&e))?;
        s.shutdown().await.map_err(|e| reason(&e))?;
        return Ok(());
    }
    s.write_all(&line).await.map_err(|e| reason(&e))?;
    s.flush().await.map_err(|e| reason(&e))?;
    let rest = read_to_close(s).await?;
    if !rest.is_empty() {
        return Err(format!("server: {} bytes after the line", rest.len()));
    }
    Ok(())
}

/// A wiretls client against a wiretls server.
pub(crate) async fn engines(
    client: Arc<dyn Engine>,
    server: Arc<dyn Engine>,
    scenario: &Scenario,
    pki: &Pki,
) -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let acceptor = TlsAcceptor::new(server, scenario.server(pki).map_err(|e| e.to_string())?);
    let connector = TlsConnector::new(client, scenario.client(pki).map_err(|e| e.to_string())?);
    let sc = *scenario;
    let server_side = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
        let mut s = acceptor.accept(tcp).await.map_err(|e| format!("server: {}", reason(&e)))?;
        let seen = Seen::of(&s);
        server_exchange(&mut s, &sc).await?;
        Ok::<_, String>(seen)
    });
    let tcp = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let client_result = async {
        let mut c = connector.connect(tcp).await.map_err(|e| format!("client: {}", reason(&e)))?;
        let seen = Seen::of(&c);
        let expect_bye = |d: &[u8]| d == BYE;
        let expect_ping = |d: &[u8]| d == PING;
        let expect: &dyn Fn(&[u8]) -> bool =
            if scenario.kind == Kind::ServerClose { &expect_bye } else { &expect_ping };
        client_exchange(&mut c, scenario, PING, expect).await?;
        Ok::<_, String>(seen)
    }
    .await;
    let server_result = match server_side.await {
        Ok(r) => r,
        Err(e) => Err(format!("server task: {e}")),
    };
    // The first failure in the order things happen: a server refusal
    // usually shows on the client as the alert it sent.
    let (client_seen, server_seen) = match (client_result, server_result) {
        (Ok(c), Ok(s)) => (c, s),
        (Err(c), Err(s)) => return Err(format!("{s}; {c}")),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    scenario.check("client", &client_seen)?;
    scenario.check("server", &server_seen)?;
    Ok(super::summary(&client_seen.info))
}

/// A wiretls client against a tool's server.
pub(crate) async fn client_vs_tool(
    client: Arc<dyn Engine>,
    tool: Tool,
    scenario: &Scenario,
    pki: &Pki,
) -> Result<String, String> {
    let (server, port) = ToolProcess::server(tool, scenario, pki).await?;
    let connector = TlsConnector::new(client, scenario.client(pki).map_err(|e| e.to_string())?);
    let result = async {
        let tcp = super::tools::connect(port).await?;
        let mut c = connector.connect(tcp).await.map_err(|e| format!("client: {}", reason(&e)))?;
        let seen = Seen::of(&c);
        let (request, expect): (&[u8], Box<Expect>) = match (scenario.kind, tool) {
            // s_server -www and gnutls-serv's HTTP mode: a page, then close_notify.
            (Kind::ServerClose, _) => {
                (b"GET / HTTP/1.0\r\n\r\n", Box::new(|d: &[u8]| d.starts_with(b"HTTP/1.")))
            }
            (_, Tool::Openssl) => (PING, Box::new(|d: &[u8]| d == b"gnip\n")),
            (_, Tool::Gnutls) => (PING, Box::new(|d: &[u8]| d == PING)),
        };
        client_exchange(&mut c, scenario, request, &*expect).await?;
        Ok::<_, String>(seen)
    }
    .await;
    let seen = result.map_err(|e| format!("{e}{}", server.tail()))?;
    scenario.check("client", &seen)?;
    if scenario.kind == Kind::ClientAuth && tool == Tool::Openssl {
        // s_server names the client certificate it verified.
        server.wait_for(super::scenarios::CLIENT_SUBJECT).await?;
    }
    server.stop().await;
    Ok(super::summary(&seen.info))
}

/// A tool's client against a wiretls server.
pub(crate) async fn tool_vs_server(
    tool: Tool,
    server: Arc<dyn Engine>,
    scenario: &Scenario,
    pki: &Pki,
) -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let acceptor = TlsAcceptor::new(server, scenario.server(pki).map_err(|e| e.to_string())?);
    let mut client = ToolProcess::client(tool, port, scenario, pki)?;
    let result = async {
        let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
        let mut s = acceptor.accept(tcp).await.map_err(|e| format!("server: {}", reason(&e)))?;
        let seen = Seen::of(&s);
        client.send(PING).await?;
        if scenario.kind == Kind::ServerClose {
            server_exchange(&mut s, scenario).await?;
            client.wait_for("bye").await?;
        } else {
            let line = read_n(&mut s, PING.len()).await?;
            s.write_all(&line).await.map_err(|e| reason(&e))?;
            s.flush().await.map_err(|e| reason(&e))?;
            client.wait_for("ping").await?;
            // The end of the tool's stdin: it sends close_notify, which we answer.
            client.close_stdin();
            let rest = read_to_close(&mut s).await?;
            if !rest.is_empty() {
                return Err(format!("server: {} bytes after the line", rest.len()));
            }
        }
        Ok::<_, String>(seen)
    }
    .await;
    let seen = result.map_err(|e| format!("{e}{}", client.tail()))?;
    scenario.check("server", &seen)?;
    client.exited_cleanly().await?;
    Ok(super::summary(&seen.info))
}
