//! The measurements, generic over a way to make connections (a [`Path`]):
//! through wiretls, through an engine's own API, or through the null engine.
//! Client and server run on one thread over memory buffers; the CPU time of
//! each side's calls is measured apart (thread CPU time, per batch of calls).

use std::time::Duration;

use cpu_time::ThreadTime;
use serde::{Deserialize, Serialize};
use wiretls_core::{CipherSuite, KeyType, NamedGroup, ProtocolVersion};

/// One end of a connection, as the harness drives it. Each end owns the
/// buffer its TLS output goes to; the harness hands the peer a reference to
/// it, then clears it (the same for every path: no copies in the harness).
pub trait Endpoint {
    /// Process bytes from the peer; application data goes to `plaintext`.
    fn feed(&mut self, input: &[u8], plaintext: &mut Vec<u8>);

    /// [`Endpoint::feed`] from a buffer the endpoint may change (the peer's
    /// output, which is cleared after the call): a path that decrypts in
    /// place does it there. The default feeds it as it is.
    fn feed_in_place(&mut self, input: &mut [u8], plaintext: &mut Vec<u8>) {
        self.feed(input, plaintext);
    }
    /// Encrypt application data (into [`Endpoint::output`]).
    fn send(&mut self, data: &[u8]);
    /// The TLS bytes written and not yet carried to the peer.
    fn output(&mut self) -> &mut Vec<u8>;
    /// Whether the handshake is still running.
    fn handshaking(&self) -> bool;
    /// The negotiated version, suite and group.
    fn negotiated(&self) -> (Option<ProtocolVersion>, Option<CipherSuite>, Option<NamedGroup>);
}

/// What to negotiate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Setup {
    /// The only version offered.
    pub version: ProtocolVersion,
    /// The only suite offered.
    pub suite: CipherSuite,
    /// The server's key type.
    pub key: KeyType,
    /// The only key-exchange group offered.
    pub group: NamedGroup,
}

/// A way to make connections.
pub trait Path {
    /// The engine's name.
    fn engine(&self) -> &str;
    /// `wiretls`, `native` or `null`.
    fn path(&self) -> &'static str;
    /// A client, its first flight in its output.
    ///
    /// # Errors
    /// Why this setup cannot be made (an engine limit).
    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String>;
    /// A server.
    ///
    /// # Errors
    /// Why this setup cannot be made.
    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String>;
    /// The setup of the single-setup measurements (callgrind's `--path`,
    /// memory): [`BASE`](crate::BASE) unless the path cannot make it.
    fn base(&self) -> Setup {
        crate::BASE
    }
}

/// A path measured under another path's name: the calibration run
/// (`--calibrate`) measures the native path against itself this way, which
/// shows the harness's own bias between the two slots (ideally ratios of 1).
pub struct Alias {
    /// The path measured.
    pub inner: Box<dyn Path>,
    /// The name it is measured under.
    pub name: &'static str,
}

impl Path for Alias {
    fn engine(&self) -> &str {
        self.inner.engine()
    }

    fn path(&self) -> &'static str {
        self.name
    }

    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        self.inner.client(setup)
    }

    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        self.inner.server(setup)
    }

    fn base(&self) -> Setup {
        self.inner.base()
    }
}

/// CPU time of each side.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sides {
    /// The client's calls.
    pub client: Duration,
    /// The server's calls.
    pub server: Duration,
}

fn timed<T>(total: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = ThreadTime::now();
    let out = f();
    *total += start.elapsed();
    out
}

/// Carry `from`'s output to `to` (timing `to`'s side), then clear it.
fn carry(
    from: &mut dyn Endpoint,
    to: &mut dyn Endpoint,
    plaintext: &mut Vec<u8>,
    time: &mut Duration,
) -> bool {
    let moved = !from.output().is_empty();
    if moved {
        timed(time, || to.feed_in_place(from.output(), plaintext));
        from.output().clear();
    }
    moved
}

/// Run a handshake to completion (and deliver what follows it, such as
/// session tickets), timing each side.
///
/// # Errors
/// When it does not complete.
pub fn connect(
    client: &mut dyn Endpoint,
    server: &mut dyn Endpoint,
    times: &mut Sides,
) -> Result<(), String> {
    let mut plaintext = Vec::new();
    for _ in 0..32 {
        let a = carry(client, server, &mut plaintext, &mut times.server);
        let b = carry(server, client, &mut plaintext, &mut times.client);
        if !a && !b && !client.handshaking() && !server.handshaking() {
            return Ok(());
        }
    }
    Err("the handshake did not complete".into())
}

/// A connected client and server, and the CPU time each side's part of the
/// handshake took.
pub type Pair = (Box<dyn Endpoint>, Box<dyn Endpoint>, Sides);

/// A connected pair and the CPU time its handshake took.
///
/// # Errors
/// When either side cannot be made or the handshake fails.
pub fn pair(path: &dyn Path, setup: &Setup) -> Result<Pair, String> {
    let mut times = Sides::default();
    let mut client = timed(&mut times.client, || path.client(setup))?;
    let mut server = timed(&mut times.server, || path.server(setup))?;
    connect(&mut *client, &mut *server, &mut times)?;
    Ok((client, server, times))
}

/// The order of `n` paths in round `round`: alternating, so neither path
/// always runs first.
fn order(n: usize, round: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |k| if round % 2 == 0 { k } else { n - 1 - k })
}

/// One bulk transfer in progress (see [`bulk`]).
struct BulkRun {
    client: Box<dyn Endpoint>,
    server: Box<dyn Endpoint>,
    data: Vec<u8>,
    plaintext: Vec<u8>,
    times: Sides,
    received: usize,
}

impl BulkRun {
    fn new(path: &dyn Path, setup: &Setup, write_size: usize, batch: usize) -> Result<Self, String> {
        let (client, server, _) = pair(path, setup)?;
        let (version, suite, _) = client.negotiated();
        if version != Some(setup.version) || suite != Some(setup.suite) {
            return Err(format!(
                "negotiated {version:?} {suite:?}, not {:?} {:?}",
                setup.version, setup.suite
            ));
        }
        let mut run = Self {
            client,
            server,
            data: vec![0x5au8; write_size],
            plaintext: Vec::with_capacity(batch * write_size + 1024),
            times: Sides::default(),
            received: 0,
        };
        // One untimed batch first: every buffer on both sides grows to its
        // steady size (page faults of fresh memory are not what is measured).
        run.batch(batch);
        run.times = Sides::default();
        run.received = 0;
        Ok(run)
    }

    /// `n` writes, each side's calls timed together.
    fn batch(&mut self, n: usize) {
        let (client, data) = (&mut self.client, &self.data);
        timed(&mut self.times.client, || {
            for _ in 0..n {
                client.send(data);
            }
        });
        carry(&mut *self.client, &mut *self.server, &mut self.plaintext, &mut self.times.server);
        self.server.output().clear();
        self.received += self.plaintext.len();
        self.plaintext.clear();
    }

    fn rates(&self, bytes: usize) -> Result<(f64, f64), String> {
        if self.received != bytes {
            return Err(format!("received {} of {bytes} bytes", self.received));
        }
        let mbps = |t: Duration| bytes as f64 / t.as_secs_f64() / 1e6;
        Ok((mbps(self.times.client), mbps(self.times.server)))
    }
}

/// Bulk transfer, client to server, on each of `paths` at once: MB/s of the
/// client's sending CPU time and of the server's receiving CPU time. The
/// paths take turns batch by batch (about 1 MiB each), so that they share
/// the machine's changing speed; `run` (the run's number) sets the order in
/// which their connections are made.
///
/// # Errors
/// Per path: when the setup cannot be made, or the negotiated suite is not
/// the one asked for.
pub fn bulk(
    paths: &[&dyn Path],
    setup: &Setup,
    write_size: usize,
    total: usize,
    run: usize,
) -> Vec<Result<(f64, f64), String>> {
    let writes = (total / write_size).max(1);
    let batch = ((1 << 20) / write_size).clamp(1, writes);
    // The connections are made in the order of `run`: where a connection's
    // buffers land on the heap changes some engines' speed (see the
    // benchmarks page), so each path takes each place equally often.
    let mut made: Vec<Option<Result<BulkRun, String>>> = paths.iter().map(|_| None).collect();
    for i in order(paths.len(), run) {
        made[i] = Some(BulkRun::new(paths[i], setup, write_size, batch));
    }
    let mut runs: Vec<Result<BulkRun, String>> =
        made.into_iter().map(|r| r.unwrap_or_else(|| Err("not made".into()))).collect();
    let (mut sent, mut round) = (0, 0);
    while sent < writes {
        let n = batch.min(writes - sent);
        for i in order(runs.len(), round) {
            if let Ok(run) = &mut runs[i] {
                run.batch(n);
            }
        }
        sent += n;
        round += 1;
    }
    runs.into_iter().map(|run| run.and_then(|run| run.rates(writes * write_size))).collect()
}

/// Full handshakes on each of `paths`, taking turns handshake by handshake:
/// handshakes per second of each side's CPU time.
///
/// # Errors
/// Per path: when the setup cannot be made.
pub fn handshakes(paths: &[&dyn Path], setup: &Setup, count: usize) -> Vec<Result<(f64, f64), String>> {
    // One untimed handshake each: configurations are prepared once, before timing.
    let mut totals: Vec<Result<Sides, String>> =
        paths.iter().map(|p| pair(*p, setup).map(|_| Sides::default())).collect();
    for round in 0..count {
        for i in order(paths.len(), round) {
            if let Ok(total) = &totals[i] {
                let mut total = *total;
                totals[i] = pair(paths[i], setup).map(|(_client, _server, times)| {
                    total.client += times.client;
                    total.server += times.server;
                    total
                });
            }
        }
    }
    let rate = |t: Duration| count as f64 / t.as_secs_f64();
    totals.into_iter().map(|t| t.map(|t| (rate(t.client), rate(t.server)))).collect()
}

/// Heap in use at each stage of one connection, per side, and per idle
/// established connection.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Memory {
    /// `(stage, client bytes, server bytes)`, cumulative per side.
    pub stages: Vec<(String, i64, i64)>,
    /// Bytes per established idle client connection.
    pub idle_client: i64,
    /// Bytes per established idle server connection.
    pub idle_server: i64,
}

/// Measure memory (see [`Memory`]).
///
/// # Errors
/// When the setup cannot be made.
pub fn memory(path: &dyn Path, setup: &Setup) -> Result<Memory, String> {
    use crate::alloc::live;
    // Warm up the configurations (prepared once, shared by connections).
    drop(pair(path, setup)?);
    let mut out = Memory::default();
    let mut plaintext = Vec::with_capacity(64 * 1024);
    let (mut c_total, mut s_total) = (0i64, 0i64);
    let step = |total: &mut i64, f: &mut dyn FnMut()| {
        let before = live();
        f();
        *total += live() - before;
    };
    let mut client = None;
    step(&mut c_total, &mut || client = Some(path.client(setup)));
    let mut client = client.expect("set above")?;
    let mut server = None;
    step(&mut s_total, &mut || server = Some(path.server(setup)));
    let mut server = server.expect("set above")?;
    out.stages.push(("started".into(), c_total, s_total));
    let mut stage = 0;
    while stage < 8 && (client.handshaking() || server.handshaking() || !client.output().is_empty()) {
        // The bytes in transit belong to the sender: clearing keeps capacity.
        step(&mut s_total, &mut || {
            server.feed_in_place(client.output(), &mut plaintext);
        });
        client.output().clear();
        step(&mut c_total, &mut || {
            client.feed_in_place(server.output(), &mut plaintext);
        });
        server.output().clear();
        stage += 1;
        let name = match stage {
            1 => "first flights",
            2 => "handshake done",
            _ => "after tickets",
        };
        out.stages.push((name.into(), c_total, s_total));
    }
    drop((client, server));
    // Idle established connections, many at once.
    const K: usize = 64;
    let (mut clients, mut servers) = (Vec::with_capacity(K), Vec::with_capacity(K));
    let base = live();
    for _ in 0..K {
        let (c, s, _) = pair(path, setup)?;
        clients.push(c);
        servers.push(s);
    }
    let both = live() - base;
    drop(servers);
    let clients_only = live() - base;
    drop(clients);
    out.idle_client = clients_only / K as i64;
    out.idle_server = (both - clients_only) / K as i64;
    Ok(out)
}
