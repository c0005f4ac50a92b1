//! Print the interop matrix: every scenario for every client x server of
//! rustls, openssl, boring and native-tls. OpenSSL, BoringSSL and
//! native-tls run as peer processes (`peer-openssl`, `peer-boring`,
//! `peer-native-tls`; `cargo build --workspace --bins` builds them next to
//! this binary).
//!
//! `cargo run -p wiretls-conformance --bin matrix [-- --write docs/matrix.md | --check docs/matrix.md]`

use std::fmt::Write;

use wiretls_conformance::matrix::{markdown, run_pair, Cell};
use wiretls_conformance::remote::RemoteEngine;
use wiretls_core::Engine;

type Factory = Box<dyn Fn() -> Box<dyn Engine>>;

fn main() {
    // Scenario failures are collected, not printed as they happen.
    std::panic::set_hook(Box::new(|_| {}));
    let engines: Vec<(&str, Factory)> = vec![
        ("rustls", Box::new(|| Box::new(wiretls_rustls::RustlsEngine::default()) as Box<dyn Engine>)),
        ("openssl", Box::new(|| Box::new(RemoteEngine::spawn_named("peer-openssl")) as Box<dyn Engine>)),
        ("boring", Box::new(|| Box::new(RemoteEngine::spawn_named("peer-boring")) as Box<dyn Engine>)),
        (
            "native-tls",
            Box::new(|| Box::new(RemoteEngine::spawn_named("peer-native-tls")) as Box<dyn Engine>),
        ),
    ];
    let started = std::time::Instant::now();
    let mut cells: Vec<Vec<Cell>> = Vec::new();
    for (client, make_client) in &engines {
        let mut row = Vec::new();
        for (server, make_server) in &engines {
            eprint!("{client} -> {server} ... ");
            let cell = run_pair(make_client, make_server);
            eprintln!(
                "{} passed, {} unsupported, {} listed, {} failed",
                cell.passed,
                cell.unsupported.len(),
                cell.diverged.len(),
                cell.failed.len()
            );
            row.push(cell);
        }
        cells.push(row);
    }
    let names: Vec<&str> = engines.iter().map(|(n, _)| *n).collect();
    let table = markdown(&names, &cells);
    println!("{table}");
    let mut details = String::new();
    let mut all_ok = true;
    for (i, row) in cells.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            all_ok &= cell.ok();
            for id in &cell.diverged {
                let reason = wiretls_conformance::divergences::find(names[i], names[j], id)
                    .map(|d| d.reason)
                    .unwrap_or_default();
                let _ = writeln!(details, "- {} -> {}: `{id}`: {reason}", names[i], names[j]);
            }
            for (id, why) in &cell.failed {
                let _ = writeln!(
                    details,
                    "- {} -> {}: `{id}` FAILED: {}",
                    names[i],
                    names[j],
                    why.lines().next().unwrap_or("")
                );
            }
            for id in &cell.fixed {
                let _ = writeln!(
                    details,
                    "- {} -> {}: `{id}` passes but is listed as a divergence",
                    names[i], names[j]
                );
            }
        }
    }
    print!("{details}");
    eprintln!("matrix run in {:.1} s", started.elapsed().as_secs_f64());
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let page = format!(
            "# The interop matrix\n\nEvery scenario of the conformance suite ({} of them) for every client engine \
             (rows) x server engine (columns). `n/{}` scenarios pass; `+ k listed` scenarios fail as \
             `conformance/divergences.txt` says they do, each with its reason there; `+ k unsupported` scenarios \
             ended at an engine's declared refusal (the typed `Unsupported` its capabilities list, before any \
             byte moved), grouped below by refusal; `+ k skipped` scenarios do \
             not apply to the pair (a capability whose refusal another scenario checks, a version they do not \
             share), listed \
             below with the reason. OpenSSL and BoringSSL (and native-tls, which is OpenSSL on Linux, with \
             BoringSSL) can never share a binary: the driver runs them as peer processes \
             (`wiretls_conformance::remote`).\n\n\
             Regenerate with `cargo build --workspace --bins && cargo run -p wiretls-conformance --bin matrix -- \
             --write docs/matrix.md`.\n\n{table}\n## Listed divergences, by pair\n\n{details}",
            wiretls_conformance::SCENARIOS.len(),
            wiretls_conformance::SCENARIOS.len(),
        );
    if let Some(path) = option("--write") {
        std::fs::write(path, &page).expect("write the matrix page");
    }
    if let Some(path) = option("--check") {
        let kept = std::fs::read_to_string(path).unwrap_or_default();
        if kept != page {
            eprintln!("{path} differs from this run: regenerate it with --write {path}");
            std::process::exit(1);
        }
    }
    if !all_ok {
        std::process::exit(1);
    }
}
