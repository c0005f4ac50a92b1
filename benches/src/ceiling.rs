//! Ceilings: what each engine's own AEAD does on 16 KiB records with no TLS
//! around it, and what `openssl speed` measures.

use std::time::Duration;

use cpu_time::ThreadTime;
use wiretls_core::Aead;

/// One AEAD's seal and open rates in MB/s.
#[derive(Clone, Copy, Debug)]
pub struct Rates {
    /// Encrypt + tag.
    pub seal: f64,
    /// Check + decrypt.
    pub open: f64,
}

/// The record size the ceilings use.
pub const RECORD: usize = 16 * 1024;

/// Time `seal` and `open` over `rounds` records of [`RECORD`] bytes.
pub fn measure(
    rounds: usize,
    mut seal: impl FnMut(&mut Vec<u8>),
    mut open: impl FnMut(&mut Vec<u8>),
) -> Rates {
    let mut buf = vec![0x5au8; RECORD];
    let (mut t_seal, mut t_open) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..rounds {
        buf.truncate(RECORD);
        let t = ThreadTime::now();
        seal(&mut buf);
        t_seal += t.elapsed();
        let t = ThreadTime::now();
        open(&mut buf);
        t_open += t.elapsed();
    }
    let mbps = |t: Duration| (rounds * RECORD) as f64 / t.as_secs_f64() / 1e6;
    Rates { seal: mbps(t_seal), open: mbps(t_open) }
}

/// aws-lc-rs's AEAD (rustls's crypto in wiretls-rustls).
pub fn aws_lc(aead: Aead, rounds: usize) -> Rates {
    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM, AES_256_GCM, CHACHA20_POLY1305};
    let (algorithm, key_len) = match aead {
        Aead::Aes128Gcm => (&AES_128_GCM, 16),
        Aead::Aes256Gcm => (&AES_256_GCM, 32),
        Aead::ChaCha20Poly1305 => (&CHACHA20_POLY1305, 32),
        other => panic!("no AEAD ceiling for {other:?}: add it here"),
    };
    let key = LessSafeKey::new(UnboundKey::new(algorithm, &vec![7u8; key_len]).expect("AEAD key"));
    let nonce = || Nonce::assume_unique_for_key([1u8; 12]);
    measure(
        rounds,
        |buf| key.seal_in_place_append_tag(nonce(), Aad::from([0u8; 13]), buf).expect("seal"),
        |buf| {
            let n = key.open_in_place(nonce(), Aad::from([0u8; 13]), buf).expect("open").len();
            buf.truncate(n);
        },
    )
}

/// `openssl speed -evp aes-128-gcm -bytes 16384`: MB/s, or why not.
pub fn openssl_speed(seconds: u32) -> Result<f64, String> {
    let output = std::process::Command::new("openssl")
        .args(["speed", "-evp", "aes-128-gcm", "-bytes", "16384", "-seconds", &seconds.to_string()])
        .output()
        .map_err(|e| format!("openssl speed: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    // The last line: "AES-128-GCM  <rate>k", in thousands of bytes per second.
    text.lines()
        .rev()
        .find(|l| l.to_ascii_uppercase().starts_with("AES-128-GCM"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.trim_end_matches('k').parse::<f64>().ok())
        .map(|kbps| kbps * 1000.0 / 1e6)
        .ok_or_else(|| format!("cannot read openssl speed's output: {text}"))
}
