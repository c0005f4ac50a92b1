//! An in-memory `Read + Write` for engines whose library talks to a byte
//! stream (OpenSSL and BoringSSL through their `SslStream`).

use std::io::{self, Read, Write};

/// Bytes from the peer waiting for the engine's library, and its output.
/// Reading when nothing is queued is `WouldBlock`, which the libraries turn
/// into "want read".
#[derive(Debug, Default)]
pub struct MemIo {
    input: Vec<u8>,
    consumed: usize,
    /// What the library wrote. Engines swap it with the connection's output
    /// buffer around each call, so ciphertext is written once.
    pub output: Vec<u8>,
}

/// Compact the input once this much of it was consumed.
const COMPACT_AT: usize = 1 << 16;

impl MemIo {
    /// Queue peer bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.consumed == self.input.len() {
            self.input.clear();
            self.consumed = 0;
        } else if self.consumed >= COMPACT_AT {
            self.input.drain(..self.consumed);
            self.consumed = 0;
        }
        self.input.extend_from_slice(bytes);
    }
}

impl Read for MemIo {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = &self.input[self.consumed..];
        if available.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consumed += n;
        Ok(n)
    }
}

impl Write for MemIo {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_was_fed_then_would_block() {
        let mut io = MemIo::default();
        let mut buf = [0u8; 4];
        assert_eq!(io.read(&mut buf).map_err(|e| e.kind()), Err(io::ErrorKind::WouldBlock));
        io.feed(b"abcdef");
        assert_eq!(io.read(&mut buf).ok(), Some(4));
        io.feed(b"g");
        assert_eq!(io.read(&mut buf).ok(), Some(3));
        assert_eq!(&buf[..3], b"efg");
        io.write_all(b"out").ok();
        assert_eq!(io.output, b"out");
    }
}
