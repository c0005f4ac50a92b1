//! The in-memory transport OpenSSL reads from and writes to.

use std::io::{self, Read, Write};

/// Bytes from the peer waiting for OpenSSL, and OpenSSL's output.
#[derive(Debug, Default)]
pub(crate) struct MemIo {
    input: Vec<u8>,
    consumed: usize,
    /// What OpenSSL wrote; swapped with the connection's output buffer
    /// around each call, so nothing is copied twice.
    pub(crate) output: Vec<u8>,
}

/// Compact the input once this much of it was consumed.
const COMPACT_AT: usize = 1 << 16;

impl MemIo {
    /// Queue peer bytes.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
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
