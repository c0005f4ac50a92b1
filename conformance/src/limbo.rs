//! The x509-limbo path-validation cases (`../shared/x509-limbo`), run
//! through an engine's [`Engine::check_chain`], and their results table.

use std::fmt::Write;
use std::path::PathBuf;

use serde::Deserialize;
use wiretls_core::{Certificate, ChainCheck, Engine, Error, PeerName, Side, TrustStore};

/// Where the cases are: `$WIRETLS_LIMBO`, or the copy in `fixtures/x509-limbo/`.
pub fn cases_path() -> PathBuf {
    std::env::var_os("WIRETLS_LIMBO").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/x509-limbo/limbo-cases.json"),
        PathBuf::from,
    )
}

#[derive(Deserialize)]
struct File {
    testcases: Vec<Case>,
}

/// One case (the fields wiretls uses).
#[derive(Clone, Debug, Deserialize)]
pub struct Case {
    /// The case's id.
    pub id: String,
    features: Option<Vec<String>>,
    validation_kind: String,
    trusted_certs: Vec<String>,
    untrusted_intermediates: Vec<String>,
    peer_certificate: String,
    validation_time: Option<String>,
    expected_peer_name: Option<Name>,
    max_chain_depth: Option<u32>,
    crls: Vec<String>,
    extended_key_usage: Vec<String>,
    /// `SUCCESS` or `FAILURE`.
    pub expected_result: String,
}

#[derive(Clone, Debug, Deserialize)]
struct Name {
    kind: String,
    value: String,
}

/// What an engine made of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The engine accepted the chain.
    Accepted,
    /// The engine (or wiretls's loader) refused it, saying why.
    Refused(String),
    /// Not run, and why.
    Skipped(String),
}

/// A case's result.
#[derive(Clone, Debug)]
pub struct Result_ {
    /// The case's id.
    pub id: String,
    /// Whether the case expects the chain to be accepted.
    pub expect_success: bool,
    /// What happened.
    pub outcome: Outcome,
}

impl Result_ {
    /// `Some(true)` when the outcome matches the expectation, `None` when skipped.
    pub fn agrees(&self) -> Option<bool> {
        match &self.outcome {
            Outcome::Accepted => Some(self.expect_success),
            Outcome::Refused(_) => Some(!self.expect_success),
            Outcome::Skipped(_) => None,
        }
    }
}

/// Load every case.
///
/// # Panics
/// When the file is missing or malformed.
pub fn cases() -> Vec<Case> {
    let path = cases_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: File = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.testcases
}

fn certs(pems: &[String]) -> Result<Vec<Certificate>, Error> {
    let mut out = Vec::new();
    for pem in pems {
        out.extend(wiretls_core::certificates_from_pem(pem.as_bytes())?);
    }
    Ok(out)
}

fn skip_reason(case: &Case) -> Option<String> {
    if !case.crls.is_empty() || case.features.iter().flatten().any(|f| f == "has-crl") {
        return Some("CRLs are not part of the wiretls API".into());
    }
    if case.max_chain_depth.is_some() {
        return Some("no chain-depth limit in the wiretls API".into());
    }
    let usual = match case.validation_kind.as_str() {
        "SERVER" => "serverAuth",
        _ => "clientAuth",
    };
    if case.extended_key_usage.iter().any(|e| e != usual) {
        return Some(format!("requires EKUs {:?}; wiretls checks {usual} only", case.extended_key_usage));
    }
    if let Some(name) = &case.expected_peer_name {
        if !matches!(name.kind.as_str(), "DNS" | "IP") {
            return Some(format!("{} peer names are not part of the wiretls API", name.kind));
        }
    }
    None
}

/// Run one case.
pub fn run_case(engine: &dyn Engine, case: &Case) -> Result_ {
    let expect_success = case.expected_result == "SUCCESS";
    let outcome = skip_reason(case).map(Outcome::Skipped).unwrap_or_else(|| check(engine, case));
    Result_ { id: case.id.clone(), expect_success, outcome }
}

fn check(engine: &dyn Engine, case: &Case) -> Outcome {
    let loaded = (|| -> Result<(TrustStore, Vec<Certificate>), Error> {
        let trust = TrustStore::new(certs(&case.trusted_certs)?)?;
        let mut chain = certs(std::slice::from_ref(&case.peer_certificate))?;
        chain.extend(certs(&case.untrusted_intermediates)?);
        Ok((trust, chain))
    })();
    let (trust, chain) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return Outcome::Refused(format!("refused by wiretls's loader: {e}")),
    };
    let at = match case
        .validation_time
        .as_deref()
        .map(|t| time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339))
    {
        None => None,
        Some(Ok(t)) => Some(std::time::SystemTime::from(t)),
        Some(Err(e)) => return Outcome::Skipped(format!("unreadable validation time: {e}")),
    };
    let ip;
    let mut request = ChainCheck::new(&trust, &chain);
    if let Some(name) = &case.expected_peer_name {
        request = match name.kind.as_str() {
            "IP" => match name.value.parse::<std::net::IpAddr>() {
                Ok(addr) => {
                    ip = addr;
                    request.with_peer_name(PeerName::Ip(ip))
                }
                Err(e) => return Outcome::Skipped(format!("unreadable IP name: {e}")),
            },
            _ => request.with_peer_name(PeerName::Dns(&name.value)),
        };
    }
    if case.validation_kind == "CLIENT" {
        request = request.presented_by(Side::Client);
    }
    if let Some(at) = at {
        request = request.at(at);
    }
    match engine.check_chain(&request) {
        Ok(()) => Outcome::Accepted,
        Err(Error::Unsupported { feature, .. }) => {
            Outcome::Skipped(format!("{} cannot check {feature}", engine.name()))
        }
        Err(e) => Outcome::Refused(e.to_string()),
    }
}

/// Run every case.
pub fn run(engine: &dyn Engine) -> Vec<Result_> {
    let mut results: Vec<Result_> = cases().iter().map(|c| run_case(engine, c)).collect();
    results.sort_by(|a, b| a.id.cmp(&b.id));
    results
}

/// The results as the Markdown page kept in `docs/`.
pub fn markdown(engine: &str, package: &str, results: &[Result_]) -> String {
    let agree = results.iter().filter(|r| r.agrees() == Some(true)).count();
    let disagree = results.iter().filter(|r| r.agrees() == Some(false)).count();
    let skipped = results.iter().filter(|r| r.agrees().is_none()).count();
    let mut out = String::new();
    let _ = writeln!(out, "# x509-limbo results: {engine}\n");
    let _ = writeln!(
        out,
        "Generated by `WIRETLS_BLESS=1 cargo test -p {package} --test limbo`; the test fails when\n\
         this page and a fresh run differ. {} cases: **{agree} agree** with the expected result, \
         **{disagree} disagree**, {skipped} skipped (reason given).\n",
        results.len(),
    );
    let _ = writeln!(out, "| case | expected | {engine} | agrees | detail |\n|---|---|---|---|---|");
    for r in results {
        let expected = if r.expect_success { "SUCCESS" } else { "FAILURE" };
        let (got, detail) = match &r.outcome {
            Outcome::Accepted => ("accepted", String::new()),
            Outcome::Refused(why) => ("refused", why.replace('|', "/")),
            Outcome::Skipped(why) => ("skipped", why.replace('|', "/")),
        };
        let agrees = match r.agrees() {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "-",
        };
        let _ = writeln!(out, "| `{}` | {expected} | {got} | {agrees} | {detail} |", r.id);
    }
    let notes = notes();
    let disagreeing: Vec<&Result_> = results.iter().filter(|r| r.agrees() == Some(false)).collect();
    if !disagreeing.is_empty() {
        let _ = writeln!(out, "\n## Why each disagreement\n\n(from `conformance/limbo-notes.txt`)\n");
        for r in disagreeing {
            let note = notes.iter().find(|(id, _)| *id == r.id).map_or("**not explained**", |(_, n)| n);
            let _ = writeln!(out, "- `{}`: {note}", r.id);
        }
    }
    out
}

/// The explanations of `conformance/limbo-notes.txt`: `(case id, note)`.
fn notes() -> Vec<(&'static str, &'static str)> {
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/limbo-notes.txt"))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('|'))
        .map(|(id, note)| (id.trim(), note.trim()))
        .collect()
}

/// Run every case through `engine` and compare with (or, with
/// `WIRETLS_BLESS` set, rewrite) the page `docs/<page>`; `package` is the
/// test package that runs it (named on the page).
///
/// # Panics
/// When the page differs from a fresh run, or fewer than half the cases agree.
pub fn check_page(engine: &dyn Engine, page: &str, package: &str) {
    let results = run(engine);
    let fresh = markdown(engine.name(), package, &results);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs").join(page);
    if std::env::var_os("WIRETLS_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == fresh,
        "{} differs from a fresh run: rerun with WIRETLS_BLESS=1 and review the diff",
        path.display()
    );
    let agree = results.iter().filter(|r| r.agrees() == Some(true)).count();
    assert!(agree > results.len() / 2, "only {agree} cases agree");
    let false_accepts: Vec<&str> = results
        .iter()
        .filter(|r| !r.expect_success && r.outcome == Outcome::Accepted)
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        false_accepts.is_empty(),
        "{} accepts chains x509-limbo expects refused: {false_accepts:?}",
        engine.name()
    );
    assert!(
        !fresh.contains("**not explained**"),
        "a disagreement without a line in conformance/limbo-notes.txt"
    );
}
