//! `wiretls server`.

use std::sync::Arc;

use clap::Args as ClapArgs;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiretls_core::{ClientAuth, ServerTls, SniServerCertificates};
use wiretls_tokio::{TlsAcceptor, TlsStream};

use crate::options::{self, configure, Protocol};
use crate::{client, engines, show};

/// `wiretls server --listen ADDR --cert F ...`
#[derive(ClapArgs, Debug)]
pub(crate) struct Args {
    /// Where to listen, e.g. 127.0.0.1:4433 (port 0 picks one; the first line printed says which).
    #[arg(long, required_unless_present = "list_suites")]
    listen: Option<String>,
    /// The server's chain (PEM, with its key unless --key is given).
    #[arg(long, required_unless_present = "list_suites")]
    cert: Option<String>,
    /// Print the suites and groups this configuration offers on its engine, and exit.
    #[arg(long)]
    list_suites: bool,
    /// The server's key (PEM).
    #[arg(long)]
    key: Option<String>,
    /// More chains chosen by SNI: NAME=CERT or NAME=CERT,KEY (the chain's names decide; NAME documents it).
    #[arg(long)]
    sni: Vec<String>,
    /// Ask clients for certificates issued by these roots (PEM).
    #[arg(long)]
    client_ca: Option<String>,
    /// Refuse clients without a certificate (with --client-ca).
    #[arg(long, requires = "client_ca")]
    require_client_cert: bool,
    /// Answer each HTTP request with a page of the negotiated parameters, then close_notify.
    #[arg(long, conflicts_with = "echo")]
    www: bool,
    /// Echo what each client sends.
    #[arg(long)]
    echo: bool,
    #[command(flatten)]
    protocol: Protocol,
}

pub(crate) async fn run(args: Args) -> Result<(), String> {
    let engine = engines::by_name(&args.protocol.engine)?;
    if args.list_suites {
        print!("{}", options::offered(&*engine, &args.protocol)?);
        return Ok(());
    }
    let (Some(cert), Some(listen)) = (&args.cert, &args.listen) else {
        return Err("--listen and --cert are required".into());
    };
    let default = options::chain(cert, args.key.as_deref())?;
    let mut tls = if args.sni.is_empty() {
        ServerTls::from_chain(default)
    } else {
        let mut certificates = Vec::new();
        for entry in &args.sni {
            let (_, files) =
                entry.split_once('=').ok_or_else(|| format!("--sni {entry}: expected NAME=CERT[,KEY]"))?;
            let (cert, key) = match files.split_once(',') {
                Some((c, k)) => (c, Some(k)),
                None => (files, None),
            };
            certificates.extend(options::chain(cert, key)?.certificates().iter().cloned());
        }
        let store = SniServerCertificates::new(certificates, default.certificates().iter().cloned())
            .map_err(|e| e.to_string())?;
        ServerTls::new(Arc::new(store))
    };
    tls = configure!(tls, &args.protocol);
    if let Some(ca) = &args.client_ca {
        let trust = options::trust(ca)?;
        tls = tls.with_client_auth(if args.require_client_cert {
            ClientAuth::Required(trust)
        } else {
            ClientAuth::Optional(trust)
        });
    }
    let acceptor = TlsAcceptor::new(engine, tls);
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("{listen}: {e}"))?;
    println!("listening on {}", listener.local_addr().map_err(|e| e.to_string())?);
    let (www, engine_name) = (args.www, args.protocol.engine.clone());
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("accept: {e}");
                continue;
            }
        };
        let (acceptor, engine_name) = (acceptor.clone(), engine_name.clone());
        tokio::spawn(async move {
            // A failed connection is logged; the server goes on.
            match acceptor.accept(tcp).await {
                Ok(tls) if www => serve_page(tls, &engine_name).await,
                Ok(tls) => echo(tls).await,
                Err(e) => eprintln!("{peer}: {}", client::reason(&e)),
            }
        });
    }
}

/// Read one HTTP request (to its blank line), answer with the page, close.
async fn serve_page(mut tls: TlsStream<tokio::net::TcpStream>, engine: &str) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 64 * 1024 {
        match tls.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let mut page = format!("engine        {engine}\n");
    page.push_str(&show::parameters(tls.info()));
    page.push_str(&show::chain(tls.peer_certificates()));
    let response = format!(
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = tls.write_all(response.as_bytes()).await;
    let _ = tls.shutdown().await;
}

/// Send back what the client sends, as it arrives.
async fn echo(mut tls: TlsStream<tokio::net::TcpStream>) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match tls.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if tls.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = tls.shutdown().await;
}
