//! The interop matrix: every scenario for every client engine x server
//! engine, as one table. Engines that cannot share this process run as
//! peers ([`crate::remote`]).

use std::fmt::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};

use wiretls_core::Engine;

use crate::{divergences, SCENARIOS};

/// The outcome of one pair.
#[derive(Debug, Default)]
pub struct Cell {
    /// Scenarios that passed.
    pub passed: usize,
    /// Scenarios that do not apply to the pair, with the reason
    /// ([`crate::skip::skip`]); not counted as passed.
    pub skipped: Vec<(String, String)>,
    /// Scenarios that ended at an engine's declared refusal
    /// ([`crate::unsupported`]), with the refusal; not counted as passed.
    pub unsupported: Vec<(String, String)>,
    /// Listed divergences that still diverge, as their lines say.
    pub diverged: Vec<String>,
    /// Scenarios that failed without a listed divergence, or otherwise than
    /// the listed one expects, with the message.
    pub failed: Vec<(String, String)>,
    /// Listed divergences that now pass (the list is stale).
    pub fixed: Vec<String>,
}

impl Cell {
    /// Whether the cell is as the suite requires.
    pub fn ok(&self) -> bool {
        self.failed.is_empty() && self.fixed.is_empty()
    }
}

/// Run every scenario for one pair; `client` and `server` are made afresh
/// for each scenario (a peer process per scenario keeps failures apart).
pub fn run_pair(client: &dyn Fn() -> Box<dyn Engine>, server: &dyn Fn() -> Box<dyn Engine>) -> Cell {
    let mut cell = Cell::default();
    for (group, name, scenario) in SCENARIOS {
        let id = format!("{group}::{name}");
        let (c, s) = (client(), server());
        let listed = divergences::find(c.name(), s.name(), &id);
        crate::skip::take();
        let outcome = catch_unwind(AssertUnwindSafe(|| scenario(&*c, &*s)));
        let skipped = crate::skip::take();
        match (outcome, listed) {
            (Ok(()), None) => match skipped {
                Some(reason) => cell.skipped.push((id, reason)),
                None => cell.passed += 1,
            },
            (Ok(()), Some(_)) => cell.fixed.push(id),
            (Err(panic), None) if crate::unsupported::from_payload(&*panic).is_some() => {
                let declared = crate::unsupported::from_payload(&*panic).map(ToString::to_string);
                cell.unsupported.push((id, declared.unwrap_or_default()));
            }
            (Err(panic), listed) => {
                let message = wiretls_core::engine::panic_message(&*panic);
                match listed {
                    Some(d) if d.matches(&message) => cell.diverged.push(id),
                    Some(d) => cell
                        .failed
                        .push((id, format!("fails, but not as listed (expected {:?}): {message}", d.expect))),
                    None => cell.failed.push((id, message)),
                }
            }
        }
    }
    cell
}

/// The matrix as Markdown: rows are clients, columns servers.
pub fn markdown(names: &[&str], cells: &[Vec<Cell>]) -> String {
    let total = SCENARIOS.len();
    let mut out = String::new();
    let _ = write!(out, "| client \\ server |");
    for n in names {
        let _ = write!(out, " {n} |");
    }
    out.push('\n');
    out.push_str("|---|");
    out.push_str(&"---|".repeat(names.len()));
    out.push('\n');
    for (i, row) in cells.iter().enumerate() {
        let _ = write!(out, "| **{}** |", names[i]);
        for cell in row {
            let mut text = format!("{}/{total}", cell.passed);
            if !cell.skipped.is_empty() {
                let _ = write!(text, " + {} skipped", cell.skipped.len());
            }
            if !cell.unsupported.is_empty() {
                let _ = write!(text, " + {} unsupported", cell.unsupported.len());
            }
            if !cell.diverged.is_empty() {
                let _ = write!(text, " + {} listed", cell.diverged.len());
            }
            if !cell.ok() {
                let _ = write!(text, " **{} FAILED**", cell.failed.len() + cell.fixed.len());
            }
            let _ = write!(out, " {text} |");
        }
        out.push('\n');
    }
    let mut reasons: Vec<(String, String)> = Vec::new();
    for (i, row) in cells.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            for (id, reason) in &cell.skipped {
                reasons.push((format!("{id} ({} -> {})", names[i], names[j]), reason.clone()));
            }
        }
    }
    if !reasons.is_empty() {
        out.push_str("\nSkipped (the scenario does not apply to the pair):\n\n");
        for (what, reason) in reasons {
            let _ = writeln!(out, "- {what}: {reason}");
        }
    }
    // Declared refusals, grouped by refusal: which scenarios each ended.
    let mut refusals: Vec<(String, Vec<String>)> = Vec::new();
    for (i, row) in cells.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            for (id, declared) in &cell.unsupported {
                let what = format!("{id} ({} -> {})", names[i], names[j]);
                match refusals.iter_mut().find(|(d, _)| d == declared) {
                    Some((_, ids)) => ids.push(what),
                    None => refusals.push((declared.clone(), vec![what])),
                }
            }
        }
    }
    if !refusals.is_empty() {
        out.push_str(
            "\nUnsupported (declared): the scenario needs what an engine declares it lacks, and the engine \
             refused it with that typed `Unsupported` before any byte moved:\n\n",
        );
        for (declared, ids) in refusals {
            let _ = writeln!(out, "- {declared} ({}): {}", ids.len(), ids.join(", "));
        }
    }
    out
}
