//! `wiretls interop`: every engine of this binary as client and server
//! against each other and against the OpenSSL and GnuTLS tools, over
//! 127.0.0.1, on a fresh test PKI.

mod pairs;
pub(crate) mod scenarios;
mod tools;

use std::fmt::Write;

use clap::Args as ClapArgs;
use serde::Serialize;
use wiretls_core::ConnectionInfo;

use crate::engines;
use scenarios::{Pki, Scenario};
use tools::Tool;

/// `wiretls interop [--json] [--engines LIST] [--no-tools]`
#[derive(ClapArgs, Debug, Clone, Default)]
pub(crate) struct Args {
    /// Print the cells as JSON on stdout instead of the table.
    #[arg(long)]
    pub(crate) json: bool,
    /// The engines to run (comma-separated); default: rustls, rustls-ring and
    /// openssl (native-tls runs when named).
    #[arg(long, value_delimiter = ',')]
    pub(crate) engines: Vec<String>,
    /// Leave out the OpenSSL and GnuTLS command-line tools.
    #[arg(long)]
    pub(crate) no_tools: bool,
    /// Only these scenarios (comma-separated names of the table's columns).
    #[arg(long, value_delimiter = ',')]
    pub(crate) scenarios: Vec<String>,
}

/// One side of a cell.
#[derive(Clone, Debug)]
enum Party {
    Engine(String),
    Tool(Tool),
}

/// One cell of the matrix: a client, a server, a scenario and its outcome.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Cell {
    pub(crate) client: String,
    pub(crate) server: String,
    pub(crate) scenario: &'static str,
    /// `pass`, `fail` or `not run`.
    pub(crate) outcome: &'static str,
    /// What was negotiated (pass), why it failed (fail) or why it did not run.
    pub(crate) detail: String,
}

/// What the matrix covered and what it left out.
#[derive(Debug, Default)]
pub(crate) struct Matrix {
    pub(crate) cells: Vec<Cell>,
    /// Parties left out, with the reason (a tool not installed, BoringSSL).
    pub(crate) left_out: Vec<String>,
}

impl Matrix {
    /// The failed cells.
    pub(crate) fn failures(&self) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(|c| c.outcome == "fail")
    }
}

/// The negotiated parameters in one line.
fn summary(info: &ConnectionInfo) -> String {
    crate::show::brief(info)
}

/// Run the matrix; `progress` is told each cell's label before it runs.
pub(crate) async fn matrix(args: &Args, progress: &dyn Fn(u64, u64, &str)) -> Result<Matrix, String> {
    let mut out = Matrix::default();
    let names: Vec<String> = if args.engines.is_empty() {
        engines::NAMES.iter().map(|n| (*n).to_owned()).collect()
    } else {
        args.engines.clone()
    };
    for name in &names {
        engines::by_name(name)?;
    }
    out.left_out.push(
        "boring: BoringSSL cannot be linked beside OpenSSL; its pairs run in the conformance suite \
         (`cargo run -p wiretls-conformance --bin matrix`)"
            .into(),
    );
    let mut tools = Vec::new();
    if !args.no_tools {
        for tool in [Tool::Openssl, Tool::Gnutls] {
            match tool.available() {
                Ok(()) => tools.push(tool),
                Err(why) => {
                    out.left_out.push(format!("{} and {}: {why}", tool.client_name(), tool.server_name()))
                }
            }
        }
    }
    let scenarios: Vec<Scenario> = scenarios::all()
        .into_iter()
        .filter(|s| args.scenarios.is_empty() || args.scenarios.iter().any(|n| n == s.name))
        .collect();
    if scenarios.is_empty() {
        let known: Vec<&str> = scenarios::all().iter().map(|s| s.name).collect();
        return Err(format!("no such scenario (known: {})", known.join(", ")));
    }
    let mut pairs: Vec<(Party, Party)> = Vec::new();
    for c in &names {
        for s in &names {
            pairs.push((Party::Engine(c.clone()), Party::Engine(s.clone())));
        }
        for t in &tools {
            pairs.push((Party::Engine(c.clone()), Party::Tool(*t)));
            pairs.push((Party::Tool(*t), Party::Engine(c.clone())));
        }
    }
    let pki = Pki::generate()?;
    let total = (pairs.len() * scenarios.len()) as u64;
    let mut done = 0;
    for (client, server) in &pairs {
        let (client_name, server_name) = (label(client, true), label(server, false));
        for scenario in &scenarios {
            progress(done, total, &format!("{client_name} -> {server_name}: {}", scenario.name));
            let (outcome, detail) = match declared_refusal(client, server, scenario, &pki) {
                Some(refusal) => ("unsupported", refusal),
                None => {
                    let run = cell(client, server, scenario, &pki);
                    let result = match tokio::time::timeout(pairs::CELL_TIMEOUT, run).await {
                        Ok(r) => r,
                        Err(_) => {
                            Err(format!("no result after {} s (a hang)", pairs::CELL_TIMEOUT.as_secs()))
                        }
                    };
                    match result {
                        Ok(negotiated) => ("pass", negotiated),
                        Err(why) => ("fail", why),
                    }
                }
            };
            out.cells.push(Cell {
                client: client_name.clone(),
                server: server_name.clone(),
                scenario: scenario.name,
                outcome,
                detail,
            });
            done += 1;
        }
    }
    progress(done, total, "done");
    Ok(out)
}

/// The refusal an engine of the cell declares for the scenario's
/// configuration (its typed `Unsupported` for a feature its capabilities
/// list as lacking, before any byte moves), as the conformance suite counts
/// it: the cell is then "unsupported", neither passed nor failed.
fn declared_refusal(client: &Party, server: &Party, scenario: &Scenario, pki: &Pki) -> Option<String> {
    let refused = |engine: &dyn wiretls_core::Engine, started: Result<(), wiretls_core::Error>| match started
    {
        Err(wiretls_core::Error::Unsupported { feature, .. })
            if !engine.capabilities().supports(&feature) =>
        {
            Some(format!("{} declares it lacks {feature}", engine.name()))
        }
        _ => None,
    };
    let out = wiretls_core::Outbox::new();
    if let Party::Engine(name) = client {
        let engine = engines::by_name(name).ok()?;
        let started = scenario.client(pki).and_then(|tls| tls.start(&*engine, out.wire()).map(drop));
        if let Some(refusal) = refused(&*engine, started) {
            return Some(refusal);
        }
    }
    if let Party::Engine(name) = server {
        let engine = engines::by_name(name).ok()?;
        let started = scenario.server(pki).and_then(|tls| tls.start(&*engine, out.wire()).map(drop));
        return refused(&*engine, started);
    }
    None
}

fn label(party: &Party, client: bool) -> String {
    match party {
        Party::Engine(name) => name.clone(),
        Party::Tool(t) if client => t.client_name().into(),
        Party::Tool(t) => t.server_name().into(),
    }
}

async fn cell(client: &Party, server: &Party, scenario: &Scenario, pki: &Pki) -> Result<String, String> {
    match (client, server) {
        (Party::Engine(c), Party::Engine(s)) => {
            pairs::engines(engines::by_name(c)?, engines::by_name(s)?, scenario, pki).await
        }
        (Party::Engine(c), Party::Tool(t)) => {
            pairs::client_vs_tool(engines::by_name(c)?, *t, scenario, pki).await
        }
        (Party::Tool(t), Party::Engine(s)) => {
            pairs::tool_vs_server(*t, engines::by_name(s)?, scenario, pki).await
        }
        (Party::Tool(_), Party::Tool(_)) => Err("two tools: not wiretls's business".into()),
    }
}

/// The matrix as a table: a row per client -> server, a column per scenario.
pub(crate) fn table(m: &Matrix) -> String {
    let mut scenario_names: Vec<&str> = Vec::new();
    let mut rows: Vec<(String, String)> = Vec::new();
    for c in &m.cells {
        if !scenario_names.contains(&c.scenario) {
            scenario_names.push(c.scenario);
        }
        let row = (c.client.clone(), c.server.clone());
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
    let width = rows.iter().map(|(c, s)| c.len() + s.len() + 4).max().unwrap_or(10).max(16);
    let mut out = format!("{:<width$}", "client -> server");
    for s in &scenario_names {
        let _ = write!(out, " {s:>w$}", w = s.len().max(4));
    }
    out.push('\n');
    for (client, server) in &rows {
        let _ = write!(out, "{:<width$}", format!("{client} -> {server}"));
        for s in &scenario_names {
            let cell =
                m.cells.iter().find(|c| &c.client == client && &c.server == server && c.scenario == *s);
            let mark = match cell.map(|c| c.outcome) {
                Some("pass") => "ok",
                Some("fail") => "FAIL",
                Some("unsupported") => "n/a",
                _ => "-",
            };
            let _ = write!(out, " {mark:>w$}", w = s.len().max(4));
        }
        out.push('\n');
    }
    let (pass, fail) = (m.cells.iter().filter(|c| c.outcome == "pass").count(), m.failures().count());
    let unsupported = m.cells.iter().filter(|c| c.outcome == "unsupported").count();
    let unsupported =
        if unsupported > 0 { format!(", {unsupported} unsupported (declared)") } else { String::new() };
    let _ =
        writeln!(out, "\n{pass} passed, {fail} failed{unsupported}, over 127.0.0.1 ({} pairs)", rows.len());
    for c in m.failures() {
        let _ = writeln!(out, "FAIL {} -> {} {}: {}", c.client, c.server, c.scenario, c.detail);
    }
    for why in &m.left_out {
        let _ = writeln!(out, "not in this run: {why}");
    }
    out
}

/// `wiretls interop`.
pub(crate) async fn run(args: Args) -> Result<(), String> {
    let bar = crate::progress::bar(args.json);
    let m = matrix(&args, &|done, total, what| crate::progress::step(&bar, done, total, what)).await?;
    bar.finish_and_clear();
    if args.json {
        #[derive(Serialize)]
        struct Json<'a> {
            cells: &'a [Cell],
            left_out: &'a [String],
        }
        let json = serde_json::to_string_pretty(&Json { cells: &m.cells, left_out: &m.left_out })
            .map_err(|e| e.to_string())?;
        println!("{json}");
    } else {
        print!("{}", table(&m));
    }
    match m.failures().count() {
        0 => Ok(()),
        n => Err(format!("{n} interop cell(s) failed")),
    }
}
