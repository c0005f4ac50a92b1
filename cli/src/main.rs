//! `wiretls`: a TLS client and server over any engine this binary links
//! (rustls, rustls-ring, OpenSSL), in the manner of `openssl s_client` and
//! `s_server`. Exit status 0 only when the handshake (and, for the
//! client, the verification) succeeded; otherwise 1 and one line saying why.

mod bench;
mod client;
mod compare;
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
    /// The engine comparison: each engine through wiretls next to its own API.
    Bench(bench::Args),
    /// Interop and a quick bench on generated certificates, nothing to configure.
    Compare(compare::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Client(args) => block_on(client::run(args)),
        Command::Server(args) => block_on(server::run(args)),
        Command::Interop(args) => block_on(interop::run(args)),
        // The measurements run outside any runtime (the loopback ones make their own).
        Command::Bench(args) => bench::run(&args),
        Command::Compare(args) => compare::run(&args),
    };
    let _ = std::io::Write::flush(&mut std::io::stdout());
    if let Err(why) = result {
        eprintln!("wiretls: {why}");
        std::process::exit(1);
    }
    std::process::exit(0);
}

/// Run `task` on a tokio runtime made for it.
pub(crate) fn block_on(task: impl std::future::Future<Output = Result<(), String>>) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("a tokio runtime: {e}"))?;
    let result = runtime.block_on(task);
    // Without waiting: a blocking read of stdin (tokio reads it on a thread
    // that cannot be cancelled) would hold a waiting shutdown.
    runtime.shutdown_background();
    result
}
