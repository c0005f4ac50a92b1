//! The soak: many handshakes and many bytes through wiretls-tokio over
//! 127.0.0.1, a bounded number of connections at once, every echo checked,
//! and the process's resident memory after a warm-up against the end.
//! `WIRETLS_SOAK=full` runs issue 14's plan (20,000 handshakes, 2 GiB
//! echoed, 256 connections at once; `ci/soak.sh --full`); without it a
//! short plan runs in `cargo test`. `WIRETLS_SOAK_HANDSHAKES=N` changes the
//! number of handshakes (the bytes per connection stay).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;
use wiretls_core::Engine;

use super::{client_tls, echo_server, server_tls};

/// How much to run.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Connections, each a full handshake.
    pub handshakes: usize,
    /// Bytes echoed in all (spread over the connections).
    pub bytes: u64,
    /// Connections open at once.
    pub concurrency: usize,
}

impl Plan {
    /// The full plan with `WIRETLS_SOAK=full`, the short one otherwise.
    pub fn from_env() -> Self {
        match std::env::var("WIRETLS_SOAK").as_deref() {
            Ok("full") => Self { handshakes: 20_000, bytes: 2 << 30, concurrency: 256 },
            _ => Self { handshakes: 300, bytes: 24 << 20, concurrency: 64 },
        }
        .with_handshakes(std::env::var("WIRETLS_SOAK_HANDSHAKES").ok().and_then(|n| n.parse().ok()))
    }

    /// This plan with `n` handshakes (the bytes per connection kept).
    fn with_handshakes(self, n: Option<usize>) -> Self {
        match n {
            Some(n) if n >= 20 => {
                Self { bytes: self.bytes / self.handshakes as u64 * n as u64, handshakes: n, ..self }
            }
            _ => self,
        }
    }
}

/// The resident set of this process, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Run `count` connections, `plan.concurrency` at once, each echoing
/// `data`; the number that failed.
async fn wave(
    client: &Arc<dyn Engine>,
    address: std::net::SocketAddr,
    data: &Arc<Vec<u8>>,
    count: usize,
    concurrency: usize,
) -> usize {
    let failed = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(concurrency));
    let mut tasks = Vec::with_capacity(count);
    for _ in 0..count {
        let permit = Arc::clone(&gate).acquire_owned().await.expect("the semaphore is never closed");
        let (client, data, failed) = (Arc::clone(client), Arc::clone(data), Arc::clone(&failed));
        tasks.push(tokio::spawn(async move {
            if let Err(e) = one(&client, address, &data).await {
                eprintln!("soak: {e}");
                failed.fetch_add(1, Ordering::Relaxed);
            }
            drop(permit);
        }));
    }
    for task in tasks {
        if task.await.is_err() {
            failed.fetch_add(1, Ordering::Relaxed);
        }
    }
    failed.load(Ordering::Relaxed)
}

async fn one(client: &Arc<dyn Engine>, address: std::net::SocketAddr, data: &[u8]) -> std::io::Result<()> {
    let tcp = tokio::net::TcpStream::connect(address).await?;
    let mut tls = wiretls_tokio::TlsConnector::new(Arc::clone(client), client_tls()).connect(tcp).await?;
    let mut back = vec![0u8; data.len()];
    {
        let (mut reader, mut writer) = tokio::io::split(&mut tls);
        let (sent, received) = tokio::join!(writer.write_all(data), reader.read_exact(&mut back));
        sent?;
        received?;
    }
    if back != data {
        return Err(std::io::Error::other("the echo differs"));
    }
    tls.shutdown().await?;
    let mut rest = Vec::new();
    tls.read_to_end(&mut rest).await?;
    Ok(())
}

/// The soak for one pair: a tenth of the plan (at least two rounds of
/// full concurrency) as warm-up, the resident
/// set, the rest, the resident set again. Prints one line of numbers.
///
/// # Panics
/// On any failed connection, or a resident set that grew after the warm-up
/// by more than a quarter plus 16 MiB.
pub async fn soak(client: Arc<dyn Engine>, server: Arc<dyn Engine>, label: &str) {
    // One soak at a time in a process: the resident set is the process's,
    // and the test harness runs a binary's tests in parallel.
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _alone = ONE_AT_A_TIME.lock().await;
    let plan = Plan::from_env();
    let address = echo_server(server, server_tls()).await;
    let per = usize::try_from(plan.bytes / plan.handshakes as u64).unwrap_or(usize::MAX);
    let data: Arc<Vec<u8>> = Arc::new((0..per).map(|i| (i % 253) as u8).collect());
    let start = Instant::now();
    // At least two rounds of full concurrency before the first reading,
    // then nine more waves, each followed by a reading.
    let warm = (plan.handshakes / 10).max(plan.concurrency * 2).min(plan.handshakes / 2);
    let mut failed = wave(&client, address, &data, warm, plan.concurrency).await;
    let mut readings = vec![rss_kib()];
    let rest = plan.handshakes - warm;
    for i in 0..9 {
        let count = rest * (i + 1) / 9 - rest * i / 9;
        failed += wave(&client, address, &data, count, plan.concurrency).await;
        readings.push(rss_kib());
    }
    let (rss_warm, rss_end) = (readings[0], readings[readings.len() - 1]);
    let secs = start.elapsed().as_secs_f64();
    let series: Vec<String> = readings.iter().map(|r| (r / 1024).to_string()).collect();
    println!(
        "soak {label}: {} handshakes, {} MiB echoed, {} at once, {failed} failed, {secs:.1} s; \
         RSS MiB after warm-up then each ninth of the rest: {}",
        plan.handshakes,
        (per * plan.handshakes) >> 20,
        plan.concurrency,
        series.join(" ")
    );
    assert_eq!(failed, 0, "{label}: {failed} connections failed");
    assert!(
        rss_end <= rss_warm + rss_warm / 4 + 16 * 1024,
        "{label}: RSS grew from {rss_warm} KiB to {rss_end} KiB"
    );
}
