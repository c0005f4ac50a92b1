//! `wiretls client`.

use std::sync::Arc;

use clap::Args as ClapArgs;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiretls_core::{ClientTls, Error};
use wiretls_tokio::TlsConnector;

use crate::options::{self, configure, Protocol};
use crate::{engines, show};

/// `wiretls client --connect HOST:PORT ...`
#[derive(ClapArgs, Debug)]
pub(crate) struct Args {
    /// Where to connect.
    #[arg(long)]
    connect: String,
    /// The name to verify (and send as SNI unless it is an IP address); default: the host.
    #[arg(long)]
    servername: Option<String>,
    /// Trust these roots (PEM) instead of the system's store.
    #[arg(long)]
    cafile: Option<String>,
    /// A client certificate chain (PEM, with its key unless --key is given).
    #[arg(long)]
    cert: Option<String>,
    /// The client certificate's key (PEM).
    #[arg(long, requires = "cert")]
    key: Option<String>,
    /// Print one line (the negotiated parameters) and exit after the handshake.
    #[arg(long)]
    brief: bool,
    /// Keep reading after stdin ends, until the peer closes (as `openssl
    /// s_client -ign_eof`). Without it, the end of stdin sends `close_notify`
    /// at once, and a peer that answers it with its own may drop a reply it
    /// had not sent yet (TLS 1.2 requires that; wiretls does it for 1.3 too).
    #[arg(long = "ign-eof", alias = "ign_eof")]
    ign_eof: bool,
    #[command(flatten)]
    protocol: Protocol,
}

/// Why a handshake failed, in one line: which check, which alert.
pub(crate) fn reason(e: &std::io::Error) -> String {
    match Error::from_io(e) {
        Some(Error::PeerCertificate { problem, alert_sent, detail }) => format!(
            "the peer's certificate was refused: {problem:?}{}{}",
            detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default(),
            alert_sent.map(|a| format!("; sent {a}")).unwrap_or_default()
        ),
        Some(Error::AlertReceived { description, level }) => {
            format!("the peer sent the alert {level:?} {description}")
        }
        Some(other) => other.to_string(),
        None => e.to_string(),
    }
}

pub(crate) async fn run(args: Args) -> Result<(), String> {
    let engine = engines::by_name(&args.protocol.engine)?;
    let host = args.connect.rsplit_once(':').map_or(args.connect.as_str(), |(h, _)| h);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let name = args.servername.clone().unwrap_or_else(|| host.to_owned());
    let mut tls = ClientTls::new(&name).map_err(|e| e.to_string())?;
    tls = configure!(tls, &args.protocol);
    if let Some(cafile) = &args.cafile {
        tls = tls.with_trust_root(options::trust(cafile)?);
    }
    if let Some(cert) = &args.cert {
        let chain = options::chain(cert, args.key.as_deref())?;
        tls = tls.with_client_certificate_store(Arc::new(options::OneChain(chain)));
    }
    let tcp =
        tokio::net::TcpStream::connect(&args.connect).await.map_err(|e| format!("{}: {e}", args.connect))?;
    let mut stream = TlsConnector::new(engine, tls).connect(tcp).await.map_err(|e| reason(&e))?;
    if args.brief {
        println!("{}", show::brief(stream.info()));
        let _ = stream.shutdown().await;
        return Ok(());
    }
    eprint!("{}{}", show::parameters(stream.info()), show::chain(stream.peer_certificates()));
    // Relay: stdin to the peer (close_notify at its end), the peer to stdout.
    let (mut from_peer, mut to_peer) = tokio::io::split(stream);
    let ign_eof = args.ign_eof;
    let send = async move {
        let mut stdin = tokio::io::stdin();
        let _ = tokio::io::copy(&mut stdin, &mut to_peer).await;
        if ign_eof {
            // The peer ends the connection; keep the write half open until then.
            std::future::pending::<()>().await;
        }
        let _ = to_peer.shutdown().await;
    };
    let receive = async {
        let mut stdout = tokio::io::stdout();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match from_peer.read(&mut buf).await {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    if stdout.write_all(&buf[..n]).await.is_err() || stdout.flush().await.is_err() {
                        return Ok(());
                    }
                }
                Err(e) => return Err(reason(&e)),
            }
        }
    };
    tokio::select! {
        result = receive => result,
        () = async { send.await; std::future::pending::<()>().await } => Ok(()),
    }
}
