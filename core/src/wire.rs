//! The transport side of a connection: the seed's `write_to_wire_callback`
//! and `wire_close_callback`, as one trait.

use std::sync::{Arc, Mutex, MutexGuard};

/// Where a connection's TLS bytes go, and how it asks the transport to close.
///
/// A connection calls these from inside its own methods only, never from
/// inside a call to one of them (Rust's borrow rules make that impossible).
///
/// # Why `start` takes a `'static` wire
/// A [`Connection`](crate::Connection) owns its wire for its whole life,
/// which is usually longer than the scope that starts it (it is kept in a
/// connection table, moved into a task or another thread, and its engine's
/// callbacks may run on another thread's store answer). A borrowed transport
/// would make `Connection` generic over a lifetime that every such holder
/// must name. The sans-IO way to use a borrowed transport is to not give it
/// to the connection at all: start with a [`MemoryWire`] (or an
/// [`Outbox`]), and after each call move
/// [`Connection::wire_buffer`](crate::Connection::wire_buffer) to the
/// transport you hold; [`Connection::close_requested`](crate::Connection::close_requested)
/// tells you when to close it.
pub trait Wire: Send {
    /// The seed's `write_to_wire_callback(bytes)`: send these bytes to the
    /// peer, in order.
    fn write_to_wire(&mut self, data: &[u8]);

    /// The seed's `wire_close_callback(immediate)`: the TLS protocol asks for
    /// the transport to be shut down. The read side must stop delivering data
    /// at once. `immediate == false`: make a reasonable attempt to deliver
    /// what was already written (it ends with `close_notify` or a fatal alert)
    /// before closing the write side; `true`: close and free everything now.
    fn wire_close(&mut self, immediate: bool);

    /// Like [`Wire::write_to_wire`], given the connection's own output
    /// buffer, which must be left empty. The default copies the bytes and
    /// clears the buffer; a wire that keeps bytes in memory may take the
    /// buffer instead (swap it with an empty one of its own), so ciphertext
    /// is not copied on its way out.
    fn write_owned(&mut self, data: &mut Vec<u8>) {
        self.write_to_wire(data);
        data.clear();
    }

    /// The buffer of a wire that collects bytes in memory: when there is
    /// one, the connection appends its TLS output to it directly, in place
    /// of calling [`Wire::write_to_wire`] (so ciphertext is written once,
    /// where the engine produces it). The default has none.
    fn buffer(&mut self) -> Option<&mut Vec<u8>> {
        None
    }
}

/// A [`Wire`] that keeps what the connection writes in its own buffer,
/// which the application reads through
/// [`Connection::wire_buffer`](crate::Connection::wire_buffer). The engine
/// writes TLS records straight into it: the fastest way to join two
/// connections in one process.
///
/// Unlike an [`Outbox`] it is owned by the connection, so no lock is taken.
#[derive(Debug, Default)]
pub struct MemoryWire {
    bytes: Vec<u8>,
}

impl MemoryWire {
    /// An empty wire.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

impl Wire for MemoryWire {
    fn write_to_wire(&mut self, data: &[u8]) {
        self.bytes.extend_from_slice(data);
    }

    fn wire_close(&mut self, _immediate: bool) {
        // The connection keeps the request: Connection::close_requested.
    }

    fn buffer(&mut self) -> Option<&mut Vec<u8>> {
        Some(&mut self.bytes)
    }
}

/// A [`Wire`] made of two closures.
pub struct FnWire<W, C> {
    write: W,
    close: C,
}

impl<W: FnMut(&[u8]) + Send, C: FnMut(bool) + Send> Wire for FnWire<W, C> {
    fn write_to_wire(&mut self, data: &[u8]) {
        (self.write)(data);
    }

    fn wire_close(&mut self, immediate: bool) {
        (self.close)(immediate);
    }
}

/// A [`Wire`] from a write closure and a close closure, the seed's two
/// callbacks.
pub fn wire_from_fns<W, C>(write_to_wire: W, wire_close: C) -> FnWire<W, C>
where
    W: FnMut(&[u8]) + Send,
    C: FnMut(bool) + Send,
{
    FnWire { write: write_to_wire, close: wire_close }
}

/// An in-memory transport end: a [`Wire`] that collects what the connection
/// writes, for the application (or a test, or a benchmark) to carry to the
/// peer. Clones share the same buffer.
///
/// ```
/// use wiretls_core::{Outbox, Wire};
/// let outbox = Outbox::new();
/// let mut wire = outbox.wire();
/// wire.write_to_wire(b"abc");
/// wire.wire_close(false);
/// assert_eq!(outbox.take(), b"abc");
/// assert_eq!(outbox.close_requested(), Some(false));
/// ```
#[derive(Clone, Default)]
pub struct Outbox {
    state: Arc<Mutex<OutboxState>>,
}

#[derive(Default)]
struct OutboxState {
    bytes: Vec<u8>,
    close: Option<bool>,
    writes: usize,
}

impl Outbox {
    /// An empty outbox.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, OutboxState> {
        // The state is plain bytes; a panic elsewhere cannot break it.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The [`Wire`] that writes into this outbox.
    #[must_use]
    pub fn wire(&self) -> OutboxWire {
        OutboxWire(self.clone())
    }

    /// Take every byte written so far.
    #[must_use]
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.lock().bytes)
    }

    /// Drop every byte written so far (a record the test or application
    /// chose not to deliver).
    pub fn discard(&self) {
        self.lock().bytes.clear();
    }

    /// Move every byte written so far to the end of `into`. When `into` is
    /// empty the buffers are swapped (no copy): `into`'s allocation becomes
    /// the outbox's for the next writes.
    pub fn take_into(&self, into: &mut Vec<u8>) {
        let mut state = self.lock();
        if into.is_empty() {
            std::mem::swap(into, &mut state.bytes);
        } else {
            into.extend_from_slice(&state.bytes);
            state.bytes.clear();
        }
    }

    /// How many bytes wait to be taken.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().bytes.len()
    }

    /// Whether no bytes wait to be taken.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lock().bytes.is_empty()
    }

    /// `Some(immediate)` once the connection called `wire_close` (the first
    /// call's flag), `None` before.
    #[must_use]
    pub fn close_requested(&self) -> Option<bool> {
        self.lock().close
    }

    /// How many times `write_to_wire` was called.
    #[must_use]
    pub fn writes(&self) -> usize {
        self.lock().writes
    }
}

/// The [`Wire`] end of an [`Outbox`].
pub struct OutboxWire(Outbox);

impl Wire for OutboxWire {
    fn write_to_wire(&mut self, data: &[u8]) {
        let mut state = self.0.lock();
        state.bytes.extend_from_slice(data);
        state.writes += 1;
    }

    fn wire_close(&mut self, immediate: bool) {
        let mut state = self.0.lock();
        state.close.get_or_insert(immediate);
    }

    fn write_owned(&mut self, data: &mut Vec<u8>) {
        let mut state = self.0.lock();
        if state.bytes.is_empty() {
            std::mem::swap(&mut state.bytes, data);
        } else {
            state.bytes.extend_from_slice(data);
            data.clear();
        }
        state.writes += 1;
    }
}
