//! `wiretls bench`: the engine comparison of wiretls-bench behind the
//! command. The engines this binary links (rustls, OpenSSL) are measured in
//! this process; BoringSSL, which cannot be linked beside OpenSSL, through
//! its own `bench-boring` binary when one sits next to this one.

use std::path::PathBuf;

use clap::{Args as ClapArgs, ValueEnum};
use wiretls_bench::{report, Modes, Plan, Record};

/// Which measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Mode {
    /// Client and server in one thread over memory buffers (CPU time).
    InMemory,
    /// Over 127.0.0.1 through the tokio adapters (wall clock).
    Loopback,
    /// Both.
    #[default]
    Both,
}

/// `wiretls bench [--full] [--mode M] [--engines LIST] [--json] [--svg DIR]`
#[derive(ClapArgs, Debug, Clone, Default)]
pub(crate) struct Args {
    /// The full plan (12 runs per scenario, 16 MiB per bulk run: minutes);
    /// default: the quick plan (4 runs, 2 MiB: indicative ratios).
    #[arg(long)]
    pub(crate) full: bool,
    /// In memory, over loopback, or both.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) mode: Mode,
    /// The engines (comma-separated): rustls, openssl, boring; default: all.
    #[arg(long, value_delimiter = ',')]
    pub(crate) engines: Vec<String>,
    /// Print the records as JSON on stdout instead of the table.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write the charts (SVG) into this directory.
    #[arg(long)]
    pub(crate) svg: Option<PathBuf>,
}

/// The engines `wiretls bench` knows.
const ENGINES: &[&str] = &["rustls", "openssl", "boring"];

/// What a run measured and what it could not.
#[derive(Debug, Default)]
pub(crate) struct Measured {
    pub(crate) records: Vec<Record>,
    pub(crate) engines: Vec<&'static str>,
    pub(crate) left_out: Vec<String>,
}

/// A debug build measures unoptimised code: say so.
pub(crate) fn build_warning() -> Option<&'static str> {
    cfg!(debug_assertions).then_some(
        "this wiretls binary is a debug build: its figures say little (cargo run --release -p wiretls-cli)",
    )
}

/// Measure; `progress` is told each engine before it runs. Runs no tokio
/// runtime of its own around the measurements (the loopback ones make theirs).
pub(crate) fn measure(args: &Args, progress: &dyn Fn(u64, u64, &str)) -> Result<Measured, String> {
    let plan = if args.full { Plan::FULL } else { Plan::QUICK };
    let modes = Modes { in_memory: args.mode != Mode::Loopback, loopback: args.mode != Mode::InMemory };
    let chosen: Vec<&'static str> =
        if args.engines.is_empty() {
            ENGINES.to_vec()
        } else {
            args.engines
                .iter()
                .map(|n| {
                    ENGINES.iter().copied().find(|e| e == n).ok_or_else(|| {
                        format!("unknown engine {n:?} for bench (known: {})", ENGINES.join(", "))
                    })
                })
                .collect::<Result<_, _>>()?
        };
    let mut out = Measured::default();
    let total = chosen.len() as u64;
    for (i, engine) in chosen.iter().enumerate() {
        progress(i as u64, total, &format!("measuring {engine}"));
        match *engine {
            "rustls" => out.records.extend(wiretls_bench::rustls_set::records(&plan, modes)),
            "openssl" => out.records.extend(wiretls_bench_openssl::records(&plan, modes)),
            _ => {
                let binary = std::env::current_exe()
                    .ok()
                    .and_then(|exe| exe.parent().map(|dir| dir.join("bench-boring")))
                    .filter(|path| path.exists());
                let Some(binary) = binary else {
                    out.left_out.push(
                        "boring: BoringSSL cannot be linked beside OpenSSL and no bench-boring binary is next \
                         to this one (bash ci/bench.sh builds and runs all three engines)"
                            .into(),
                    );
                    continue;
                };
                let mut records = report::run_binary(&binary, !args.full, false)?;
                records.retain(|r| if is_loopback(r) { modes.loopback } else { modes.in_memory });
                out.records.extend(records);
            }
        }
        out.engines.push(engine);
    }
    progress(total, total, "done");
    Ok(out)
}

fn is_loopback(r: &Record) -> bool {
    matches!(r.test, wiretls_bench::Test::LoopbackThroughput | wiretls_bench::Test::LoopbackHandshakes { .. })
}

/// `wiretls bench`.
pub(crate) fn run(args: &Args) -> Result<(), String> {
    if let Some(warning) = build_warning() {
        eprintln!("wiretls: {warning}");
    }
    let bar = crate::progress::bar(args.json);
    let measured = measure(args, &|done, total, what| crate::progress::step(&bar, done, total, what))?;
    bar.finish_and_clear();
    if let Some(dir) = &args.svg {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        report::charts(&measured.records, dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&measured.records).map_err(|e| e.to_string())?);
    } else {
        print!("{}", report::table(&measured.records));
        print!("\n{}", report::summary(&measured.records, &measured.engines));
        for why in &measured.left_out {
            println!("not in this run: {why}");
        }
        if !args.full {
            println!(
                "quick plan: the ratios are indicative; --full (or bash ci/bench.sh --docs) judges them"
            );
        }
    }
    Ok(())
}
