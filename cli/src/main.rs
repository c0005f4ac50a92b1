//! `wiretls`: a TLS client and server over any engine this binary links
//! (rustls, rustls-ring, OpenSSL), in the manner of `openssl s_client` and
//! `s_server`. Exit status 0 only when the handshake (and, for the
//! client, the verification) succeeded; otherwise 1 and one line saying why.

mod client;
mod engines;
mod interop;
mod options;
mod progress;
mod server;
mod show;

use clap::{Parser, Subcommand};

/// A TLS client and server on the engine of your choice.
#[derive(Parser, Debug)]
#[command(name = "wiretls", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Connect, verify and print what was negotiated, then relay stdin and stdout.
    Client(client::Args),
    /// Serve connections: an HTTP page of the negotiated parameters (--www) or an echo.
    Server(server::Args),
    /// Every engine as client and server against each other and the OpenSSL and GnuTLS tools.
    Interop(interop::Args),
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Client(args) => client::run(args).await,
        Command::Server(args) => server::run(args).await,
        Command::Interop(args) => interop::run(args).await,
    };
    // Exit here rather than return: a blocking read of stdin (tokio reads it
    // on a thread that cannot be cancelled) would hold the runtime's shutdown.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    if let Err(why) = result {
        eprintln!("wiretls: {why}");
        std::process::exit(1);
    }
    std::process::exit(0);
}
