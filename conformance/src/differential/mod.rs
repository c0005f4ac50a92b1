//! The differential check: the same attacks against an engine used
//! directly and against wiretls over that engine, configured alike, over
//! 127.0.0.1. What a wrapper must never do is make an engine answer a
//! hostile peer worse than the engine alone; so every difference between
//! the two answers is either fixed or listed in [`divergences::LISTED`] with
//! its reason.
//!
//! An answer is what the attacking client observes ([`probe::Outcome`]):
//! the server's hello (version, suite, group, retry, downgrade sentinel),
//! its first plaintext alert or a sealed one, and whether the server closed
//! the connection or still waits. A FIN and a reset count as the same end;
//! the table shows which one came.
//!
//! The attacks are first flights ([`attacks`]) and records sealed inside an
//! established TLS 1.3 session ([`sealed`]) or TLS 1.2 session
//! ([`sealed12`]), whose answers are decrypted.
//!
//! The servers are the tests' own: `wiretls server --engine E --www` (or
//! wiretls-tokio's acceptor for BoringSSL, which cannot share the command's
//! binary) against a small server on the engine's own API.

pub mod attacks;
pub mod divergences;
pub mod hello;
pub mod native;
pub mod probe;
pub mod sealed;
pub mod sealed12;

use std::fmt::Write as _;
use std::net::SocketAddr;

use attacks::ATTACKS;
use probe::{End, Outcome};
use sealed::SEALED;

/// One attack's two answers.
#[derive(Clone, Debug)]
pub struct Answers {
    /// The attack.
    pub attack: &'static str,
    /// The engine used directly.
    pub native: Outcome,
    /// wiretls over the engine.
    pub wiretls: Outcome,
}

impl Answers {
    /// Whether a peer sees the same answer from both.
    pub fn agree(&self) -> bool {
        let ended = |o: &Outcome| Outcome {
            end: if o.end == End::Open { End::Open } else { End::Closed },
            ..o.clone()
        };
        ended(&self.native) == ended(&self.wiretls)
    }
}

/// How many attacks run at once against each server.
const PARALLEL: usize = 6;

/// The root that the fixture chain (`server-p256`) chains to: what the
/// sealed attacks' client trusts.
pub const FIXTURE_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/root-ca.pem");

/// One attack as something to run against a server.
type Probe = (&'static str, Box<dyn Fn(SocketAddr) -> Outcome + Send + Sync>);

fn probes() -> Vec<Probe> {
    let mut all: Vec<Probe> = ATTACKS
        .iter()
        .map(|a| -> Probe {
            let steps = (a.steps)();
            (a.name, Box::new(move |addr| probe::probe(addr, &steps)))
        })
        .collect();
    all.extend(SEALED.iter().map(|a| -> Probe {
        (a.name, Box::new(move |addr| sealed::probe(addr, std::path::Path::new(FIXTURE_ROOT), a)))
    }));
    all.extend(sealed12::SEALED12.iter().map(|a| -> Probe {
        (a.name, Box::new(move |addr| sealed12::probe(addr, std::path::Path::new(FIXTURE_ROOT), a)))
    }));
    all
}

/// Run every attack (first flights, then inside a session) against both
/// servers, each attack against the two at the same time.
pub fn run(native: SocketAddr, wiretls: SocketAddr) -> Vec<Answers> {
    let probes = probes();
    let mut out = Vec::with_capacity(probes.len());
    for batch in probes.chunks(PARALLEL) {
        std::thread::scope(|s| {
            let running: Vec<_> = batch
                .iter()
                .map(|(name, probe)| (*name, s.spawn(|| probe(native)), s.spawn(|| probe(wiretls))))
                .collect();
            for (attack, n, w) in running {
                let join = |h: std::thread::ScopedJoinHandle<'_, Outcome>| {
                    h.join().unwrap_or_else(|_| panic!("{attack}: the probe panicked"))
                };
                out.push(Answers { attack, native: join(n), wiretls: join(w) });
            }
        });
    }
    out
}

/// The answers as a table, one attack per line.
pub fn table(engine: &str, answers: &[Answers]) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "differential check, {engine}: {} attacks", answers.len());
    for a in answers {
        let mark = if a.agree() { "  " } else { "!=" };
        let _ = writeln!(t, "{mark} {:<52} native: {}", a.attack, a.native);
        if !a.agree() {
            let _ = writeln!(t, "   {:<52} wiretls: {}", "", a.wiretls);
        }
    }
    t
}

/// Run every attack, print the table, and check the differences against
/// the list for `engine`; then check that both servers still complete a
/// handshake.
///
/// # Panics
/// On a difference that is not listed, a listed one that no longer shows,
/// or a server that no longer answers a well-formed hello.
pub fn check(engine: &str, native: SocketAddr, wiretls: SocketAddr) {
    let mut answers = run(native, wiretls);
    // An answer against the list is tried twice more, alone: a server slow
    // under load (past the probe's idle wait) is not a divergence.
    let probes = probes();
    for a in answers.iter_mut() {
        for _ in 0..2 {
            if a.agree() != divergences::find(engine, a.attack).is_some() {
                break;
            }
            let Some((_, probe)) = probes.iter().find(|(name, _)| *name == a.attack) else { break };
            eprintln!("{}: trying again", a.attack);
            *a = Answers { attack: a.attack, native: probe(native), wiretls: probe(wiretls) };
        }
    }
    eprint!("{}", table(engine, &answers));
    let mut failures = Vec::new();
    for a in &answers {
        match (a.agree(), divergences::find(engine, a.attack)) {
            (false, None) => failures
                .push(format!("{}: not listed; native: {}; wiretls: {}", a.attack, a.native, a.wiretls)),
            (true, Some(_)) => {
                failures.push(format!("{}: listed as a divergence but both answer {}", a.attack, a.native))
            }
            _ => {}
        }
    }
    for d in divergences::LISTED.iter().filter(|d| d.engine == engine) {
        if attacks::find(d.attack).is_none()
            && sealed::find(d.attack).is_none()
            && sealed12::find(d.attack).is_none()
        {
            failures.push(format!("{}: listed, but no attack has that name", d.attack));
        }
    }
    let baseline = attacks::find("baseline::tls13").map(|a| (a.steps)()).unwrap_or_default();
    for (who, addr) in [("native", native), ("wiretls", wiretls)] {
        let after = probe::probe(addr, &baseline);
        if after.hello.is_none() {
            failures.push(format!("{who} server answers no hello after the attacks: {after}"));
        }
    }
    assert!(failures.is_empty(), "{engine}: {} failures:\n{}", failures.len(), failures.join("\n"));
}
