//! `wiretls compare`: the interop matrix and a quick bench, on certificates
//! generated for the run: nothing to configure. README's main job.

use std::fmt::Write;

use clap::Args as ClapArgs;
use wiretls_bench::report::{compare, Comparison};
use wiretls_bench::{Test, BASE};

use crate::{bench, interop};

/// `wiretls compare [--no-tools] [--full]`
#[derive(ClapArgs, Debug, Clone)]
pub(crate) struct Args {
    /// Leave out the OpenSSL and GnuTLS command-line tools.
    #[arg(long)]
    no_tools: bool,
    /// The bench's full plan instead of the quick one (minutes instead of seconds).
    #[arg(long)]
    full: bool,
}

/// `wiretls compare`.
pub(crate) fn run(args: &Args) -> Result<(), String> {
    if let Some(warning) = bench::build_warning() {
        eprintln!("wiretls: {warning}");
    }
    let bar = crate::progress::bar(false);
    let interop_args = interop::Args { no_tools: args.no_tools, ..interop::Args::default() };
    let mut matrix = None;
    crate::block_on(async {
        let step =
            |done, total, what: &str| crate::progress::step(&bar, done, total, &format!("interop {what}"));
        matrix = Some(interop::matrix(&interop_args, &step).await?);
        Ok(())
    })?;
    let matrix = matrix.ok_or("the interop matrix did not run")?;
    let bench_args = bench::Args { full: args.full, ..bench::Args::default() };
    let measured = bench::measure(&bench_args, &|done, total, what| {
        crate::progress::step(&bar, done, total, &format!("bench: {what}"));
    })?;
    bar.finish_and_clear();
    print!("{}", interop::table(&matrix));
    println!();
    print!("{}", wiretls_bench::report::table(&measured.records));
    println!();
    print!("{}", summary(&matrix, &measured));
    match matrix.failures().count() {
        0 => Ok(()),
        n => Err(format!("{n} interop cell(s) failed")),
    }
}

/// The closing table: per engine, interop and the bench's key ratios.
fn summary(matrix: &interop::Matrix, measured: &bench::Measured) -> String {
    let comparisons = compare(&measured.records);
    let find = |engine: &str, test: &Test| comparisons.iter().find(|c| c.engine == engine && &c.test == test);
    let handshake = Test::Handshake { setup: BASE };
    let bulk = Test::Bulk { setup: BASE, size: 16 * 1024 };
    let mut out = String::from("Summary (wiretls / the engine's own API; quick plan unless --full)\n");
    let _ = writeln!(
        out,
        "{:<12} {:>14} {:>22} {:>22} {:>20} {:>18}",
        "engine", "interop", "handshakes/s", "bulk 16 KiB MB/s", "loopback MB/s", "idle conn. bytes"
    );
    let mut engines: Vec<String> = interop_engines(matrix);
    for e in &measured.engines {
        if !engines.iter().any(|n| n == e) {
            engines.push((*e).to_owned());
        }
    }
    for engine in &engines {
        // rustls-ring has interop cells but no bench figures of its own ("-").
        let mine: Vec<&interop::Cell> =
            matrix.cells.iter().filter(|c| &c.client == engine || &c.server == engine).collect();
        let interop = if mine.is_empty() {
            "-".to_owned()
        } else {
            format!("{}/{}", mine.iter().filter(|c| c.outcome == "pass").count(), mine.len())
        };
        let idle = wiretls_bench::report::memory(&measured.records, engine, "wiretls")
            .zip(wiretls_bench::report::memory(&measured.records, engine, "native"))
            .map_or("-".into(), |(w, n)| format!("{} vs {}", w.idle_client, n.idle_client));
        let _ = writeln!(
            out,
            "{engine:<12} {interop:>14} {:>22} {:>22} {:>20} {idle:>18}",
            cell(find(engine, &handshake)),
            cell(find(engine, &bulk)),
            cell(find(engine, &Test::LoopbackThroughput)),
        );
    }
    for why in matrix.left_out.iter().chain(&measured.left_out) {
        let _ = writeln!(out, "not in this run: {why}");
    }
    out
}

/// `wiretls median / native median (ratio)` of the client side.
fn cell(c: Option<&Comparison>) -> String {
    let Some(c) = c else { return "-".into() };
    match (c.wiretls, c.native, c.ratios()) {
        (Some(w), Some(n), Some((ratio, _))) => format!("{:.0}/{:.0} ({ratio:.2})", w.0.median, n.0.median),
        _ => "-".into(),
    }
}

fn interop_engines(matrix: &interop::Matrix) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in &matrix.cells {
        for party in [&c.client, &c.server] {
            if crate::engines::NAMES.contains(&party.as_str()) && !out.contains(party) {
                out.push(party.clone());
            }
        }
    }
    out
}
