//! # wiretls-bench
//!
//! The engine comparison people run to choose an engine, and the check on
//! what wiretls's own layers cost. For each engine the same scenarios run
//! three ways in one process: through wiretls, through the engine's own
//! API, and (once) through the null engine, which has no cryptography and
//! shows the harness's and wiretls's cost alone. Runs of the wiretls and
//! native paths are interleaved; reports give medians with min and max,
//! and ratios wiretls / native.
//!
//! OpenSSL and BoringSSL never share a process: each engine set has its own
//! binary (`bench-openssl`, `bench-boring`), and the `bench` driver runs
//! them and merges their JSON.
#![warn(missing_docs)]
#![deny(unsafe_code)]

#[allow(unsafe_code)]
pub mod alloc;
pub mod ceiling;
pub mod fixtures;
pub mod harness;
pub mod loopback;
pub mod native_rustls;
pub mod native_unbuffered;
pub mod null;
pub mod report;
pub mod rustls_set;
pub mod wiretls_path;

use serde::{Deserialize, Serialize};
use wiretls_core::{Aead, CipherSuite, KeyType, NamedGroup, ProtocolVersion};

use crate::harness::{Memory, Path, Setup};

/// How much to measure.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Plan {
    /// Interleaved runs of each path per scenario (even: runs are paired,
    /// the order in which the paths' connections are made swapped).
    pub runs: usize,
    /// Bytes per bulk run.
    pub bulk_bytes: usize,
    /// Handshakes per handshake run.
    pub handshakes: usize,
    /// AEAD ceiling rounds of 16 KiB.
    pub ceiling_rounds: usize,
}

impl Plan {
    /// The quick mode CI runs.
    pub const QUICK: Self = Self { runs: 4, bulk_bytes: 2 << 20, handshakes: 20, ceiling_rounds: 256 };
    /// The full run behind docs/benchmarks.md.
    pub const FULL: Self = Self { runs: 12, bulk_bytes: 16 << 20, handshakes: 100, ceiling_rounds: 4096 };

    /// The plan an engine binary's arguments ask for.
    pub fn from_args(args: &[String]) -> Self {
        if args.iter().any(|a| a == "--quick") {
            Self::QUICK
        } else {
            Self::FULL
        }
    }
}

/// The write sizes of the bulk scenarios.
pub const WRITE_SIZES: &[usize] = &[1024, 16 * 1024, 1 << 20];

/// The bulk setups: each AEAD in TLS 1.2 (ECDSA suites) and TLS 1.3, P-256.
/// The group is X25519 in TLS 1.3 and P-256 in TLS 1.2, where RFC 8422 asks
/// for the certificate's curve among the groups offered (OpenSSL enforces it).
pub fn bulk_setups() -> Vec<Setup> {
    use CipherSuite as S;
    [
        S::TLS13_AES_128_GCM_SHA256,
        S::TLS13_AES_256_GCM_SHA384,
        S::TLS13_CHACHA20_POLY1305_SHA256,
        S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ]
    .into_iter()
    .map(|suite| {
        let group = match suite.version() {
            ProtocolVersion::Tls12 => NamedGroup::SECP256R1,
            ProtocolVersion::Tls13 => NamedGroup::X25519,
        };
        Setup { version: suite.version(), suite, key: KeyType::EcdsaP256, group }
    })
    .collect()
}

/// The handshake setups: TLS 1.3, AES-128-GCM, {P-256, RSA-2048} x {X25519,
/// X25519MLKEM768}; and [`TLS12_BASE`], which every engine negotiates (the
/// only handshake native-tls's server makes).
pub fn handshake_setups() -> Vec<Setup> {
    let mut out = Vec::new();
    for key in [KeyType::EcdsaP256, KeyType::Rsa] {
        for group in [NamedGroup::X25519, NamedGroup::X25519MLKEM768] {
            out.push(Setup {
                version: ProtocolVersion::Tls13,
                suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
                key,
                group,
            });
        }
    }
    out.push(TLS12_BASE);
    out
}

/// The setup of instruction counts and memory: TLS 1.3, AES-128-GCM, P-256, X25519.
pub const BASE: Setup = Setup {
    version: ProtocolVersion::Tls13,
    suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
    key: KeyType::EcdsaP256,
    group: NamedGroup::X25519,
};

/// The base of engines without TLS 1.3 as a server (native-tls): TLS 1.2
/// with the suite native-tls's server prefers (ChaCha20-Poly1305, ECDSA).
/// Its group is P-256, which RFC 8422 asks for with a P-256 certificate in
/// TLS 1.2; native-tls offers its own groups (it negotiates X25519).
pub const TLS12_BASE: Setup = Setup {
    version: ProtocolVersion::Tls12,
    suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    key: KeyType::EcdsaP256,
    group: NamedGroup::SECP256R1,
};

/// What was measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Test {
    /// Bulk transfer: client = send MB/s, server = receive MB/s.
    Bulk {
        /// The setup.
        setup: Setup,
        /// Bytes per write.
        size: usize,
    },
    /// Full handshakes: handshakes per second of each side's CPU.
    Handshake {
        /// The setup.
        setup: Setup,
    },
    /// Memory (see [`Record::memory`]).
    Memory,
    /// The engine's AEAD on 16 KiB: client = seal MB/s, server = open MB/s.
    Ceiling {
        /// The AEAD.
        aead: Aead,
    },
    /// Instructions per full handshake, both sides (callgrind).
    Instructions,
    /// Instructions per MiB sent and received over a [`BASE`] connection,
    /// both sides (callgrind).
    BulkInstructions {
        /// Bytes per write.
        size: usize,
    },
    /// `openssl speed -evp aes-128-gcm -bytes 16384` (client = MB/s).
    OpensslSpeed,
    /// One connection over 127.0.0.1 through the tokio adapters, [`BASE`]:
    /// MB/s sent in 16 KiB writes (wall clock; client = server).
    LoopbackThroughput,
    /// Handshakes per second over 127.0.0.1 through the tokio adapters,
    /// [`BASE`], with this many clients at once (wall clock).
    LoopbackHandshakes {
        /// Clients at once.
        clients: usize,
    },
}

/// One measurement series.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record {
    /// The engine.
    pub engine: String,
    /// `wiretls`, `native`, `null` or `ceiling`.
    pub path: String,
    /// What.
    pub test: Test,
    /// The client-side (or only) figure of each run.
    pub client: Vec<f64>,
    /// The server-side figure of each run.
    pub server: Vec<f64>,
    /// Memory, for [`Test::Memory`].
    pub memory: Option<Memory>,
    /// Why there is no figure, when there is none.
    pub note: Option<String>,
}

impl Record {
    fn new(path: &dyn Path, test: Test) -> Self {
        Self {
            engine: path.engine().to_owned(),
            path: path.path().to_owned(),
            test,
            client: Vec::new(),
            server: Vec::new(),
            memory: None,
            note: None,
        }
    }
}

/// Measure every scenario on `paths` (typically wiretls and native for one
/// engine), interleaving their runs.
pub fn measure(paths: &[&dyn Path], plan: &Plan) -> Vec<Record> {
    let mut out = Vec::new();
    type Runner<'a> = dyn FnMut(&[&dyn Path], usize) -> Vec<Result<(f64, f64), String>> + 'a;
    let mut series = |test: Test, f: &mut Runner<'_>| {
        let mut records: Vec<Record> = paths.iter().map(|p| Record::new(*p, test.clone())).collect();
        for run in 0..plan.runs {
            let live: Vec<usize> = (0..paths.len()).filter(|&i| records[i].note.is_none()).collect();
            let chosen: Vec<&dyn Path> = live.iter().map(|&i| paths[i]).collect();
            for (&i, result) in live.iter().zip(f(&chosen, run)) {
                match result {
                    Ok((c, s)) => {
                        records[i].client.push(c);
                        records[i].server.push(s);
                    }
                    Err(why) => records[i].note = Some(why),
                }
            }
        }
        out.extend(records);
    };
    for setup in bulk_setups() {
        for &size in WRITE_SIZES {
            let total = plan.bulk_bytes.max(size);
            series(Test::Bulk { setup, size }, &mut |p, run| harness::bulk(p, &setup, size, total, run));
        }
    }
    for setup in handshake_setups() {
        series(Test::Handshake { setup }, &mut |p, _| harness::handshakes(p, &setup, plan.handshakes));
    }
    for path in paths {
        let mut record = Record::new(*path, Test::Memory);
        match harness::memory(*path, &path.base()) {
            Ok(memory) => record.memory = Some(memory),
            Err(why) => record.note = Some(why),
        }
        out.push(record);
    }
    out
}

/// The AEAD ceilings as records.
pub fn ceiling_records(engine: &str, rates: impl Fn(Aead) -> ceiling::Rates) -> Vec<Record> {
    [Aead::Aes128Gcm, Aead::Aes256Gcm, Aead::ChaCha20Poly1305]
        .into_iter()
        .map(|aead| {
            let r = rates(aead);
            Record {
                engine: engine.to_owned(),
                path: "ceiling".into(),
                test: Test::Ceiling { aead },
                client: vec![r.seal],
                server: vec![r.open],
                memory: None,
                note: None,
            }
        })
        .collect()
}

/// The work that callgrind counts (the driver passes
/// `--toggle-collect=*callgrind_work*`): `count` handshakes of [`BASE`], then
/// a bulk transfer of `(write size, bytes)` if asked for.
#[inline(never)]
pub fn callgrind_work(path: &dyn Path, count: usize, bulk: Option<(usize, usize)>) {
    let base = path.base();
    for _ in 0..count {
        harness::pair(path, &base).expect("a handshake");
    }
    if let Some((size, bytes)) = bulk {
        for result in harness::bulk(&[path], &base, size, bytes, 0) {
            result.expect("a bulk transfer");
        }
    }
}

/// Which measurements to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Modes {
    /// Client and server in one thread over memory buffers: bulk,
    /// handshakes, memory and the AEAD ceilings.
    pub in_memory: bool,
    /// Over 127.0.0.1 through the tokio adapters.
    pub loopback: bool,
}

impl Modes {
    /// Everything.
    pub const ALL: Self = Self { in_memory: true, loopback: true };
}

/// Measure one engine's paths (wiretls and native, in that order) in this
/// process: what an engine's bench binary prints, and what the `wiretls
/// bench` command gathers for the engines it links.
pub fn engine_records(
    paths: Vec<Box<dyn Path>>,
    ceilings: &dyn Fn(&Plan) -> Vec<Record>,
    loopback: &dyn Fn() -> Result<Vec<std::sync::Arc<dyn loopback::Adapter>>, String>,
    plan: &Plan,
    modes: Modes,
) -> Vec<Record> {
    let mut records = Vec::new();
    if modes.in_memory {
        let refs: Vec<&dyn Path> = paths.iter().map(|p| &**p).collect();
        records.extend(measure(&refs, plan));
        records.extend(ceilings(plan));
    }
    if modes.loopback {
        match loopback() {
            Ok(adapters) => records.extend(loopback::measure(&adapters, plan)),
            Err(why) => eprintln!("no loopback benchmarks: {why}"),
        }
    }
    records
}

/// An engine binary's paths beyond wiretls and native.
#[derive(Default)]
pub struct Extra {
    /// Measured like wiretls and native, in the same runs (rustls's
    /// unbuffered API).
    pub measured: Vec<Box<dyn Path>>,
    /// Measured only with `--path` (for callgrind): wiretls with static
    /// dispatch, OpenSSL over memory BIOs.
    pub callgrind_only: Vec<Box<dyn Path>>,
}

/// The body of an engine's bench binary. With `--path P`, for callgrind:
/// `--handshakes N` runs N handshakes of [`BASE`] on that path, `--bulk SIZE
/// --bytes N` sends N bytes in writes of SIZE over one [`BASE`] connection;
/// `extra` paths are measured with the others or only so (see [`Extra`]).
/// Otherwise measure everything and print JSON records on stdout; with
/// `--calibrate`, the native path takes the wiretls path's place (see
/// [`harness::Alias`]).
pub fn engine_main(
    wiretls: Box<dyn Path>,
    extra: Extra,
    native: impl Fn() -> Box<dyn Path>,
    ceilings: impl Fn(&Plan) -> Vec<Record>,
    loopback: impl Fn() -> Result<Vec<std::sync::Arc<dyn loopback::Adapter>>, String>,
) {
    let args: Vec<String> = std::env::args().collect();
    let Extra { measured, callgrind_only } = extra;
    let extra = callgrind_only;
    let paths = if args.iter().any(|a| a == "--calibrate") {
        vec![Box::new(harness::Alias { inner: native(), name: "wiretls" }) as Box<dyn Path>, native()]
    } else {
        let mut paths = vec![wiretls, native()];
        paths.extend(measured);
        paths
    };
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    if let Some(path) = option("--path") {
        let path = paths.iter().chain(&extra).find(|p| p.path() == path).expect("a known path");
        let count = option("--handshakes").map(|n| n.parse::<usize>().expect("a handshake count"));
        let bulk = option("--bulk").map(|n| n.parse::<usize>().expect("a write size"));
        let bytes = option("--bytes").map_or(0, |n| n.parse::<usize>().expect("a byte count"));
        if args.iter().any(|a| a == "--memory") {
            // `--path P --memory`: the memory stages of that path alone.
            match harness::memory(&**path, &path.base()) {
                Ok(m) => println!("{m:?}"),
                Err(e) => eprintln!("memory: {e}"),
            }
            return;
        }
        // One connection first, so that the process's one-time set-up (such
        // as seeding a random generator) is not counted.
        harness::pair(&**path, &path.base()).expect("a handshake");
        callgrind_work(&**path, count.unwrap_or(0), bulk.map(|size| (size, bytes)));
        return;
    }
    if let Some(path) = option("--loopback-path") {
        // For callgrind: `--loopback-path P --loopback-handshakes N`.
        let count =
            option("--loopback-handshakes").map_or(1, |n| n.parse::<usize>().expect("a handshake count"));
        let adapters = loopback().expect("the loopback adapters");
        let adapter = adapters.into_iter().find(|a| a.path() == path).expect("a known path");
        loopback::loopback_work(std::sync::Arc::clone(&adapter), 1);
        loopback::loopback_work(adapter, count);
        return;
    }
    let plan = Plan::from_args(&args);
    let modes =
        Modes { in_memory: true, loopback: !args.iter().any(|a| a == "--calibrate" || a == "--no-loopback") };
    let records = engine_records(paths, &ceilings, &loopback, &plan, modes);
    println!("{}", serde_json::to_string(&records).expect("records as JSON"));
}
