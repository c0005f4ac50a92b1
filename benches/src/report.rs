//! Turning records into the comparison: medians with min and max, ratios
//! wiretls / native, shares of the AEAD ceilings, the targets, a text table,
//! Markdown and SVG charts.

use std::fmt::Write;

use serde::{Deserialize, Serialize};
use wiretls_core::{Aead, ProtocolVersion};

use crate::harness::Memory;
use crate::{Record, Test};

/// Median, min and max of a series.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Stat {
    /// The median.
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
}

impl Stat {
    /// The statistics of `values` (`None` when empty).
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
        Some(Self { median, min: v[0], max: v[n - 1] })
    }
}

/// wiretls against native for one engine and one test.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comparison {
    /// The engine.
    pub engine: String,
    /// The test.
    pub test: Test,
    /// Through wiretls: client side, server side.
    pub wiretls: Option<(Stat, Stat)>,
    /// The engine's own API.
    pub native: Option<(Stat, Stat)>,
    /// wiretls / native, client and server: one ratio per pair of runs (see
    /// [`compare`]); the runs are interleaved, so both paths saw the same machine.
    pub paired: Option<(Stat, Stat)>,
    /// Why a path has no figure.
    pub note: Option<String>,
}

impl Comparison {
    /// wiretls / native, client side and server side: the medians of the
    /// paired ratios.
    pub fn ratios(&self) -> Option<(f64, f64)> {
        self.paired.map(|(c, s)| (c.median, s.median))
    }
}

fn stats(r: &Record) -> Option<(Stat, Stat)> {
    Some((Stat::of(&r.client)?, Stat::of(&r.server)?))
}

/// The ratios of each pair of runs: runs 2k and 2k + 1 made the paths'
/// connections in swapped orders, and the geometric mean of their two
/// ratios cancels what the order alone does (a single leftover run counts
/// as it is).
fn paired(w: &Record, n: &Record) -> Option<(Stat, Stat)> {
    let ratios = |a: &[f64], b: &[f64]| {
        let each: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
        each.chunks(2).map(|p| p.iter().product::<f64>().powf(1.0 / p.len() as f64)).collect::<Vec<_>>()
    };
    Some((Stat::of(&ratios(&w.client, &n.client))?, Stat::of(&ratios(&w.server, &n.server))?))
}

/// Pair wiretls and native records of the same engine and test. A run
/// measures both paths, batch by batch in turn; runs 2k and 2k + 1 make the
/// paths' connections in swapped orders, and their ratios are combined by
/// geometric mean.
pub fn compare(records: &[Record]) -> Vec<Comparison> {
    compare_paths(records, "wiretls", "native")
}

/// [`compare`] for any two paths: `path` in the `wiretls` place, `against`
/// in the `native` one.
pub fn compare_paths(records: &[Record], path: &str, against: &str) -> Vec<Comparison> {
    let mut out = Vec::new();
    let of_path = |r: &Record, p: &str| r.path == p;
    for w in records.iter().filter(|r| of_path(r, path)) {
        if !matches!(
            w.test,
            Test::Bulk { .. }
                | Test::Handshake { .. }
                | Test::LoopbackThroughput
                | Test::LoopbackHandshakes { .. }
        ) {
            continue;
        }
        let n = records.iter().find(|n| of_path(n, against) && n.engine == w.engine && n.test == w.test);
        out.push(Comparison {
            engine: w.engine.clone(),
            test: w.test.clone(),
            wiretls: stats(w),
            native: n.and_then(stats),
            paired: n.and_then(|n| paired(w, n)),
            note: w.note.clone().or_else(|| n.and_then(|n| n.note.clone())),
        });
    }
    out
}

/// The ceiling record of an engine's AEAD.
pub fn ceiling<'a>(records: &'a [Record], engine: &str, aead: Aead) -> Option<&'a Record> {
    records.iter().find(|r| r.engine == engine && r.test == Test::Ceiling { aead })
}

/// A short name for a test.
pub fn label(test: &Test) -> String {
    match test {
        Test::Bulk { setup, size } => {
            let size = match size {
                s if *s >= 1 << 20 => format!("{} MiB", s >> 20),
                s => format!("{} KiB", s >> 10),
            };
            format!("bulk {} {:?} {size}", setup.version, setup.suite.info().aead)
        }
        Test::Handshake { setup } if setup.version == ProtocolVersion::Tls12 => {
            format!("handshake {} {:?} {}", setup.version, setup.key, setup.group)
        }
        Test::Handshake { setup } => format!("handshake {:?} {}", setup.key, setup.group),
        Test::Memory => "memory".into(),
        Test::Ceiling { aead } => format!("ceiling {aead:?}"),
        Test::Instructions => "instructions per handshake".into(),
        Test::BulkInstructions { size } => format!("instructions per MiB, {} KiB writes", size >> 10),
        Test::OpensslSpeed => "openssl speed".into(),
        Test::LoopbackThroughput => "loopback tokio throughput".into(),
        Test::LoopbackHandshakes { clients } => format!("loopback tokio handshakes, {clients} clients"),
    }
}

/// The targets of the comparison.
pub mod targets {
    /// wiretls at least this share of native throughput and handshake rate.
    pub const MIN_RATIO: f64 = 0.97;
    /// wiretls at most this many times native's instructions per handshake.
    pub const MAX_INSTRUCTIONS: f64 = 1.03;
    /// wiretls at most this many bytes more per established idle connection.
    pub const MAX_IDLE_EXTRA: i64 = 2048;
}

impl std::fmt::Display for Stat {
    /// `median (min-max)`, whole numbers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.0} ({:.0}-{:.0})", self.median, self.min, self.max)
    }
}

/// One side (0 = client, 1 = server) of a path's figures, or `-`.
pub fn side_cell(s: Option<(Stat, Stat)>, side: usize) -> String {
    s.map_or("-".to_owned(), |(client, server)| if side == 0 { client } else { server }.to_string())
}

/// The comparison as a plain-text table.
pub fn table(records: &[Record]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<8} {:<38} {:>20} {:>20} {:>20} {:>20} {:>6} {:>6}",
        "engine",
        "test",
        "wiretls client",
        "wiretls server",
        "native client",
        "native server",
        "ratio",
        "ratio"
    );
    for c in compare(records) {
        let (rc, rs) =
            c.ratios().map_or(("-".into(), "-".into()), |(a, b)| (format!("{a:.3}"), format!("{b:.3}")));
        let _ = writeln!(
            out,
            "{:<8} {:<38} {:>20} {:>20} {:>20} {:>20} {:>6} {:>6}{}",
            c.engine,
            label(&c.test),
            side_cell(c.wiretls, 0),
            side_cell(c.wiretls, 1),
            side_cell(c.native, 0),
            side_cell(c.native, 1),
            rc,
            rs,
            c.note.as_deref().map(|n| format!("  ({n})")).unwrap_or_default()
        );
    }
    out
}

/// Memory records of an engine, by path.
pub fn memory<'a>(records: &'a [Record], engine: &str, path: &str) -> Option<&'a Memory> {
    records.iter().find(|r| r.engine == engine && r.path == path && r.test == Test::Memory)?.memory.as_ref()
}

/// A grouped horizontal bar chart as SVG: `rows` of `(label, values)`, one
/// bar per series, drawn against a common scale.
pub fn svg_bars(
    title: &str,
    unit: &str,
    series: &[&str],
    rows: &[(String, Vec<Option<f64>>)],
    rule: Option<f64>,
) -> String {
    const COLORS: [&str; 4] = ["#3b6ea8", "#d98b2b", "#6b9e4a", "#8c5aa8"];
    let bar = 12.0;
    let gap = 10.0;
    let left = 260.0;
    let width = 720.0;
    let row_height = series.len() as f64 * bar + gap;
    let height = 60.0 + rows.len() as f64 * row_height + 30.0;
    let max = rows
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .copied()
        .chain(rule)
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let scale = (width - left - 80.0) / max;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"10\" y=\"20\" font-size=\"14\">{title}</text>\n"
    );
    for (i, name) in series.iter().enumerate() {
        let x = left + i as f64 * 120.0;
        let _ = writeln!(
            s,
            "<rect x=\"{x}\" y=\"30\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"39\">{name}</text>",
            COLORS[i % 4],
            x + 14.0
        );
    }
    for (r, (name, values)) in rows.iter().enumerate() {
        let y0 = 55.0 + r as f64 * row_height;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{name}</text>",
            left - 6.0,
            y0 + row_height / 2.0
        );
        for (i, v) in values.iter().enumerate() {
            let y = y0 + i as f64 * bar;
            match v {
                Some(v) => {
                    let _ = writeln!(
                        s,
                        "<rect x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"{}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{}\">{v:.2}</text>",
                        v * scale,
                        bar - 2.0,
                        COLORS[i % 4],
                        left + v * scale + 4.0,
                        y + bar - 3.0
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "<text x=\"{}\" y=\"{}\" fill=\"#888\">n/a</text>",
                        left + 4.0,
                        y + bar - 3.0
                    );
                }
            }
        }
    }
    if let Some(rule) = rule {
        let x = left + rule * scale;
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"45\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{}\" fill=\"#c00\">{rule}</text>",
            height - 25.0,
            x + 3.0,
            height - 12.0
        );
    }
    let _ = writeln!(s, "<text x=\"{left}\" y=\"{}\" fill=\"#555\">{unit}</text>\n</svg>", height - 5.0);
    s
}

/// The targets, checked: one line each, for `engines`.
pub fn summary(records: &[Record], engines: &[&str]) -> String {
    let mut out = String::from("Targets (wiretls / native):\n");
    for c in compare(records) {
        if let Some((rc, rs)) = c.ratios() {
            let worst = rc.min(rs);
            let mark = if worst >= targets::MIN_RATIO { "ok " } else { "MISS" };
            out.push_str(&format!(
                "  {mark} {:<8} {:<38} client {rc:.3}  server {rs:.3}\n",
                c.engine,
                label(&c.test)
            ));
        }
    }
    for engine in engines {
        for test in INSTRUCTION_TESTS {
            if let Some((w, n)) = instruction_pair(records, engine, test) {
                let ratio = w / n;
                let mark = if ratio <= targets::MAX_INSTRUCTIONS { "ok " } else { "MISS" };
                out.push_str(&format!(
                    "  {mark} {engine:<8} {:<38} {w:.0} vs {n:.0}: {ratio:.3}\n",
                    label(test)
                ));
                if let Some(st) = instructions(records, engine, "static", test) {
                    out.push_str(&format!(
                        "       {engine:<8} {:<38} static {st:.0}: {:.3}\n",
                        label(test),
                        st / n
                    ));
                }
            }
        }
        if let (Some(w), Some(n)) = (memory(records, engine, "wiretls"), memory(records, engine, "native")) {
            for (side, wb, nb) in
                [("client", w.idle_client, n.idle_client), ("server", w.idle_server, n.idle_server)]
            {
                let extra = wb - nb;
                let mark = if extra <= targets::MAX_IDLE_EXTRA { "ok " } else { "MISS" };
                out.push_str(&format!(
                    "  {mark} {engine:<8} idle {side} connection {wb} B vs {nb} B: {extra:+} B\n"
                ));
            }
        }
    }
    out
}

/// The instruction counts of one engine and test: wiretls, native.
pub fn instruction_pair(records: &[Record], engine: &str, test: &Test) -> Option<(f64, f64)> {
    Some((instructions(records, engine, "wiretls", test)?, instructions(records, engine, "native", test)?))
}

/// The instruction count of one engine, path and test.
pub fn instructions(records: &[Record], engine: &str, path: &str, test: &Test) -> Option<f64> {
    records
        .iter()
        .find(|r| r.engine == engine && r.path == path && r.test == *test)
        .and_then(|r| r.client.first().copied())
}

/// The instruction tests, in report order.
pub const INSTRUCTION_TESTS: &[Test] =
    &[Test::Instructions, Test::BulkInstructions { size: 1024 }, Test::BulkInstructions { size: 16 * 1024 }];

/// Run an engine's bench binary (`bench-openssl`, `bench-boring`, ...) and
/// read its records.
///
/// # Errors
/// When it cannot be started, fails, or prints no records.
pub fn run_binary(path: &std::path::Path, quick: bool, calibrate: bool) -> Result<Vec<Record>, String> {
    let output = std::process::Command::new(path)
        .arg(if quick { "--quick" } else { "--full" })
        .args(calibrate.then_some("--calibrate"))
        .output()
        .map_err(|e| format!("{}: {e} (build the bench binaries first)", path.display()))?;
    if !output.status.success() {
        return Err(format!("{} failed:\n{}", path.display(), String::from_utf8_lossy(&output.stderr)));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("{}'s output: {e}", path.display()))
}

/// The charts (bulk, handshakes, ratios) as SVG files in `dir`.
///
/// # Errors
/// The first failed write.
pub fn charts(records: &[Record], dir: &std::path::Path) -> std::io::Result<()> {
    let comparisons = compare(records);
    let mut bulk_rows = Vec::new();
    let mut hs_rows = Vec::new();
    let mut ratio_rows = Vec::new();
    for c in &comparisons {
        let median = |s: Option<(Stat, Stat)>| s.map(|s| s.0.median);
        match &c.test {
            Test::Bulk { size, .. } if *size == 16 * 1024 => {
                bulk_rows.push((
                    format!("{} {}", c.engine, label(&c.test)),
                    vec![median(c.wiretls), median(c.native)],
                ));
            }
            Test::Handshake { .. } => {
                hs_rows.push((
                    format!("{} {}", c.engine, label(&c.test)),
                    vec![median(c.wiretls), median(c.native)],
                ));
            }
            _ => {}
        }
        if let Some((a, b)) = c.ratios() {
            ratio_rows.push((format!("{} {}", c.engine, label(&c.test)), vec![Some(a), Some(b)]));
        }
    }
    let write = |name: &str, svg: String| std::fs::write(dir.join(name), svg);
    write(
        "bench-bulk.svg",
        svg_bars(
            "Bulk send, 16 KiB writes (MB/s of client CPU)",
            "MB/s",
            &["wiretls", "native"],
            &bulk_rows,
            None,
        ),
    )?;
    write(
        "bench-handshakes.svg",
        svg_bars(
            "Full handshakes per second of client CPU",
            "handshakes/s",
            &["wiretls", "native"],
            &hs_rows,
            None,
        ),
    )?;
    write(
        "bench-ratios.svg",
        svg_bars(
            "wiretls / native (client, server)",
            "ratio",
            &["client", "server"],
            &ratio_rows,
            Some(targets::MIN_RATIO),
        ),
    )?;
    Ok(())
}
