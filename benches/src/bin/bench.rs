//! The engine comparison: runs each engine's bench binary (rustls with the
//! null engine, OpenSSL, BoringSSL, native-tls: they cannot all share a
//! process), counts
//! instructions per handshake under callgrind, measures `openssl speed`,
//! and prints the comparison.
//!
//! `cargo build --profile bench -p wiretls-bench -p wiretls-bench-openssl -p wiretls-bench-boring -p wiretls-bench-native-tls --bins`
//! then `target/release/bench [--quick] [--docs]` (`--docs` rewrites
//! docs/benchmarks.md and its charts; `--json PATH` keeps the records).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use wiretls_bench::report::{self, compare, instruction_pair, label, side_cell, Stat, INSTRUCTION_TESTS};
use wiretls_bench::{Plan, Record, Test};

const ENGINES: &[(&str, &str)] = &[
    ("rustls", "bench-rustls"),
    ("openssl", "bench-openssl"),
    ("boring", "bench-boring"),
    ("native-tls", "bench-native-tls"),
];

fn sibling(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("this binary's path");
    exe.parent().unwrap_or(Path::new(".")).join(name)
}

/// Instructions of one run of an engine binary with `args`, under callgrind.
fn instructions(binary: &str, args: &[String]) -> Result<f64, String> {
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null", "--toggle-collect=*callgrind_work*"])
        .arg(sibling(binary))
        .args(args)
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    let text = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("{binary} {args:?} under callgrind failed:\n{text}"));
    }
    text.lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse::<f64>().ok())
        .ok_or_else(|| format!("no instruction count from callgrind:\n{text}"))
}

/// Instructions per unit of work: the difference between `many` and `few`
/// units, so start-up and set-up cancel out.
fn per_unit(
    binary: &str,
    path: &str,
    work: impl Fn(usize) -> Vec<String>,
    few: usize,
    many: usize,
) -> Result<f64, String> {
    let run = |n: usize| {
        let mut args = vec!["--path".to_owned(), path.to_owned()];
        args.extend(work(n));
        instructions(binary, &args)
    };
    Ok((run(many)? - run(few)?) / (many - few) as f64)
}

/// The callgrind records: instructions per handshake and per MiB of bulk.
fn callgrind(quick: bool) -> Vec<Record> {
    let mut out = Vec::new();
    let handshakes = if quick { (1, 6) } else { (1, 11) };
    let mib = if quick { (1, 2) } else { (1, 4) };
    for (engine, binary) in ENGINES {
        let own: &[&str] = match *engine {
            "rustls" => &["unbuffered"],
            "openssl" => &["membio"],
            _ => &[],
        };
        for path in ["wiretls", "static", "native"].iter().chain(own) {
            let path = *path;
            eprintln!("callgrind {engine} {path} ...");
            let mut tests = vec![(
                Test::Instructions,
                per_unit(
                    binary,
                    path,
                    |n| vec!["--handshakes".into(), n.to_string()],
                    handshakes.0,
                    handshakes.1,
                ),
            )];
            for size in [1024usize, 16 * 1024] {
                let work = |n: usize| {
                    vec!["--bulk".into(), size.to_string(), "--bytes".into(), (n << 20).to_string()]
                };
                tests.push((Test::BulkInstructions { size }, per_unit(binary, path, work, mib.0, mib.1)));
            }
            for (test, per) in tests {
                out.push(Record {
                    engine: (*engine).into(),
                    path: path.into(),
                    test,
                    client: per.as_ref().map(|p| vec![*p]).unwrap_or_default(),
                    server: Vec::new(),
                    memory: None,
                    note: per.err(),
                });
            }
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    // The native path measured against itself: the harness's own bias.
    let calibrate = args.iter().any(|a| a == "--calibrate");
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let plan = if quick { Plan::QUICK } else { Plan::FULL };
    let started = Instant::now();
    let mut records = Vec::new();
    for (engine, binary) in ENGINES {
        eprintln!("measuring {engine} ...");
        records
            .extend(report::run_binary(&sibling(binary), quick, calibrate).unwrap_or_else(|e| panic!("{e}")));
    }
    if !calibrate && !args.iter().any(|a| a == "--no-callgrind") {
        records.extend(callgrind(quick));
    }
    match wiretls_bench::ceiling::openssl_speed(if quick { 1 } else { 3 }) {
        Ok(mbps) => records.push(Record {
            engine: "openssl speed".into(),
            path: "ceiling".into(),
            test: Test::OpensslSpeed,
            client: vec![mbps],
            server: Vec::new(),
            memory: None,
            note: None,
        }),
        Err(why) => eprintln!("{why}"),
    }
    let elapsed = started.elapsed();
    println!("{}", report::table(&records));
    let names: Vec<&str> = ENGINES.iter().map(|(e, _)| *e).collect();
    let summary = report::summary(&records, &names);
    println!("{summary}");
    if quick {
        println!(
            "quick mode: {} runs, wall-clock ratios are indicative only; the full run judges them",
            plan.runs
        );
    }
    println!("run in {:.0} s ({} mode)", elapsed.as_secs_f64(), if quick { "quick" } else { "full" });
    let json = option("--json").unwrap_or_else(|| "target/bench-results.json".into());
    std::fs::write(&json, serde_json::to_string_pretty(&records).expect("JSON")).expect("write the JSON");
    if args.iter().any(|a| a == "--docs") && !calibrate {
        docs::write(&records, &summary, &plan, quick, elapsed.as_secs_f64());
    }
}

mod docs {
    use std::fmt::Write;

    use super::*;
    use wiretls_core::Aead;

    pub(super) fn write(records: &[Record], summary: &str, plan: &Plan, quick: bool, seconds: f64) {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("model name"))
                    .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
            })
            .unwrap_or_default();
        let mut md = String::new();
        let _ = writeln!(
            md,
            "# Benchmarks\n\nGenerated by `bash ci/bench.sh --docs` ({} mode, {seconds:.0} s) on {} x {cpu}. \
             How it is measured, what the calibration run shows and why the remaining misses are not wiretls \
             copying or allocating: [benchmark-method.md](benchmark-method.md).\n\n\
             Each engine runs the same scenarios through wiretls, through its own API (\"native\", configured \
             as wiretls configures it), and the null engine (no cryptography) shows the harness and wiretls's own \
             layers. Client and server run on one thread over memory buffers; figures are each side's CPU time \
             (thread CPU clock), medians of {} runs (min-max). In a run both paths take turns batch by batch \
             (about 1 MiB, or one handshake); runs 2k and 2k + 1 make the two paths' connections in swapped \
             orders. A ratio is wiretls / native: the median over run pairs of the geometric mean of the pair's \
             two ratios (min-max). OpenSSL and BoringSSL run in their own processes.\n",
            if quick { "quick" } else { "full" },
            std::thread::available_parallelism().map_or(0, usize::from),
            plan.runs
        );
        let _ = writeln!(md, "## Targets\n\n```\n{summary}```\n");
        let _ = writeln!(
            md,
            "## Ceilings (16 KiB records, MB/s)\n\n| engine | AEAD | seal | open |\n|---|---|---:|---:|"
        );
        for r in records.iter().filter(|r| r.path == "ceiling") {
            let (a, b) = (r.client.first().copied().unwrap_or(0.0), r.server.first().copied().unwrap_or(0.0));
            let _ = writeln!(
                md,
                "| {} | {} | {a:.0} | {} |",
                r.engine,
                label(&r.test),
                if b > 0.0 { format!("{b:.0}") } else { "-".into() }
            );
        }
        let _ = writeln!(
            md,
            "\n## Bulk (MB/s: client = send, server = receive)\n\n| engine | test | wiretls client | wiretls server | native client | native server | ratio c/s | share of AEAD ceiling (wiretls send/recv) |\n|---|---|---:|---:|---:|---:|---:|---:|"
        );
        let comparisons = compare(records);
        for c in comparisons.iter().filter(|c| matches!(c.test, Test::Bulk { .. })) {
            let Test::Bulk { setup, .. } = &c.test else { continue };
            let aead: Aead = setup.suite.info().aead;
            let share = match (c.wiretls, report::ceiling(records, &c.engine, aead)) {
                (Some((w, r)), Some(ceil)) => format!(
                    "{:.0}% / {:.0}%",
                    100.0 * w.median / ceil.client[0],
                    100.0 * r.median / ceil.server.first().copied().unwrap_or(f64::NAN)
                ),
                _ => "-".into(),
            };
            row(&mut md, c, share);
        }
        let _ = writeln!(
            md,
            "\n## Full handshakes (per second of each side's CPU; TLS 1.3 with AES-128-GCM, and TLS 1.2 with ECDHE-ECDSA-ChaCha20-Poly1305)\n\n| engine | test | wiretls client | wiretls server | native client | native server | ratio c/s | |\n|---|---|---:|---:|---:|---:|---:|---|"
        );
        for c in comparisons.iter().filter(|c| matches!(c.test, Test::Handshake { .. })) {
            row(&mut md, c, String::new());
        }
        let _ = writeln!(
            md,
            "\n## rustls's unbuffered API (the limit of what rustls allows)\n\n\
             rustls's `UnbufferedClientConnection` / `UnbufferedServerConnection` driven directly \
             (path `unbuffered`: records decrypted in the buffer they arrived in, ciphertext encrypted \
             into the output buffer), measured in the same runs. First against rustls's buffered API \
             (`native`): what the unbuffered API gains; then wiretls against it. The rustls engine uses \
             the buffered API (docs/benchmark-method.md says why).\n\n\
             | engine | test | unbuffered client | unbuffered server | native client | native server | ratio c/s | |\n|---|---|---:|---:|---:|---:|---:|---|"
        );
        for c in report::compare_paths(records, "unbuffered", "native")
            .iter()
            .filter(|c| matches!(c.test, Test::Bulk { .. }))
        {
            row(&mut md, c, String::new());
        }
        let _ = writeln!(
            md,
            "\n| engine | test | wiretls client | wiretls server | unbuffered client | unbuffered server | ratio c/s | |\n|---|---|---:|---:|---:|---:|---:|---|"
        );
        for c in report::compare_paths(records, "wiretls", "unbuffered")
            .iter()
            .filter(|c| matches!(c.test, Test::Bulk { .. }))
        {
            row(&mut md, c, String::new());
        }
        let _ = writeln!(
            md,
            "\n## Over 127.0.0.1 with tokio (wall clock; TLS 1.3, AES-128-GCM, P-256, X25519)\n\n\
             wiretls-tokio next to the engine's own tokio adapter (tokio-rustls, tokio-openssl, tokio-boring), \
             configured alike, their runs interleaved: the throughput of one connection (MB/s sent in 16 KiB \
             writes, the handshake not timed) and full handshakes per second with {} clients at once (each: \
             connect, handshake, one byte each way). Client and server share one two-worker runtime and the \
             machine's cores, so these are the whole system's figures (client = server).\n\n\
             | engine | test | wiretls | | native | | ratio | |\n|---|---|---:|---:|---:|---:|---:|---|",
            wiretls_bench::loopback::CONCURRENT_CLIENTS
        );
        for c in comparisons
            .iter()
            .filter(|c| matches!(c.test, Test::LoopbackThroughput | Test::LoopbackHandshakes { .. }))
        {
            row(&mut md, c, String::new());
        }
        let _ = writeln!(
            md,
            "\n## Instructions (callgrind, both sides; the difference between N and 1 handshakes, or between \
             {} and 1 MiB, so set-up cancels out)\n\nDeterministic, so these show small differences that the \
             wall-clock figures above cannot resolve on a shared machine. Bulk and handshakes are TLS 1.3 \
             AES-128-GCM, except native-tls's: TLS 1.2 ECDHE-ECDSA-ChaCha20-Poly1305, the only setup its \
             server negotiates (so its counts compare with its own native path, not with the other engines). \
             `static` is wiretls started with `start_static` (static dispatch: no virtual calls into the \
             engine's session or the wire).\n\n\
             | engine | test | wiretls | static | native | ratio | static ratio |\n|---|---|---:|---:|---:|---:|---:|",
            if quick { 2 } else { 4 }
        );
        for (engine, _) in ENGINES {
            for test in INSTRUCTION_TESTS {
                if let Some((w, n)) = instruction_pair(records, engine, test) {
                    let st = report::instructions(records, engine, "static", test);
                    let (st_cell, st_ratio) = st.map_or(("-".into(), "-".into()), |st| {
                        (format!("{st:.0}"), format!("{:.3}", st / n))
                    });
                    let _ = writeln!(
                        md,
                        "| {engine} | {} | {w:.0} | {st_cell} | {n:.0} | {:.3} | {st_ratio} |",
                        label(test),
                        w / n
                    );
                }
            }
        }
        let _ = writeln!(
            md,
            "\nThe engines' other native paths, against `native`: rustls's unbuffered API \
             (`unbuffered`) and OpenSSL over memory BIOs (`membio`, which the engine does not use: \
             its records are copied once more on the way out).\n\n\
             | engine | path | test | instructions | native | ratio |\n|---|---|---|---:|---:|---:|"
        );
        for (engine, path) in [("rustls", "unbuffered"), ("openssl", "membio")] {
            for test in INSTRUCTION_TESTS {
                let own = report::instructions(records, engine, path, test);
                let native = report::instructions(records, engine, "native", test);
                if let (Some(o), Some(n)) = (own, native) {
                    let _ = writeln!(
                        md,
                        "| {engine} | {path} | {} | {o:.0} | {n:.0} | {:.3} |",
                        label(test),
                        o / n
                    );
                }
            }
        }
        let _ = writeln!(md, "\n## Memory (heap bytes, glibc mallinfo2: Rust and C allocations)\n\n| engine | path | stage | client | server |\n|---|---|---|---:|---:|");
        for (engine, _) in ENGINES.iter().chain([("null", "")].iter()) {
            for path in ["wiretls", "native", "unbuffered", "null"] {
                if let Some(m) = report::memory(records, engine, path) {
                    for (stage, c, s) in &m.stages {
                        let _ = writeln!(md, "| {engine} | {path} | {stage} | {c} | {s} |");
                    }
                    let _ = writeln!(
                        md,
                        "| {engine} | {path} | **per idle established connection** | **{}** | **{}** |",
                        m.idle_client, m.idle_server
                    );
                }
            }
        }
        let _ = writeln!(md, "\n## The null engine (no cryptography)\n\nWhat moving records through the harness and wiretls's own layers costs, in MB/s of CPU (client = send, server = receive).\n\n| test | client | server |\n|---|---:|---:|");
        for r in records.iter().filter(|r| r.path == "null" && matches!(r.test, Test::Bulk { .. })) {
            if let (Some(c), Some(s)) = (Stat::of(&r.client), Stat::of(&r.server)) {
                let _ = writeln!(md, "| {} | {} | {} |", label(&r.test), c, s);
            }
        }
        let _ = writeln!(md, "\n## Charts\n\n![bulk](bench-bulk.svg)\n\n![handshakes](bench-handshakes.svg)\n\n![ratios](bench-ratios.svg)\n");
        std::fs::write("docs/benchmarks.md", md).expect("write docs/benchmarks.md");
        report::charts(records, Path::new("docs")).expect("write the charts");
    }

    fn row(md: &mut String, c: &report::Comparison, extra: String) {
        let ratio = c.paired.map_or("-".into(), |(a, b)| {
            format!(
                "{:.3} ({:.2}-{:.2}) / {:.3} ({:.2}-{:.2})",
                a.median, a.min, a.max, b.median, b.min, b.max
            )
        });
        let note = c.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | {}{note} | {} | {} | {} | {} | {ratio} | {extra} |",
            c.engine,
            label(&c.test),
            side_cell(c.wiretls, 0),
            side_cell(c.wiretls, 1),
            side_cell(c.native, 0),
            side_cell(c.native, 1)
        );
    }
}
