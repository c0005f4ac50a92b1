//! An engine wrapper that counts how often a connection asks its session
//! for what it negotiated: the check that [`Connection::info`] is computed
//! once, when the handshake completes, on every engine.
//!
//! [`Connection::info`]: wiretls_core::Connection::info

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use wiretls_core::engine::{Session, SessionContext, SessionStatus};
use wiretls_core::{
    Alert, Capabilities, Certificate, ChainCheck, ClientTls, ConnectionInfo, Engine, Error, ServerTls,
};

/// How often sessions were asked, summed over every session the wrapper made.
#[derive(Debug, Default)]
pub struct Counts {
    /// [`Session::info`] calls.
    pub info: AtomicUsize,
    /// [`Session::peer_certificates`] calls (each one parses the chain).
    pub peer_certificates: AtomicUsize,
}

impl Counts {
    /// `(info, peer_certificates)` calls so far.
    pub fn snapshot(&self) -> (usize, usize) {
        (self.info.load(Ordering::Relaxed), self.peer_certificates.load(Ordering::Relaxed))
    }
}

/// `inner`, with its sessions' info and chain reads counted in `counts`.
pub struct Counting<'a> {
    inner: &'a dyn Engine,
    /// The counts of every session started through this wrapper.
    pub counts: Arc<Counts>,
}

impl<'a> Counting<'a> {
    /// Count the reads of `inner`'s sessions.
    pub fn new(inner: &'a dyn Engine) -> Self {
        Self { inner, counts: Arc::default() }
    }
}

impl Engine for Counting<'_> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn capabilities(&self) -> &Capabilities {
        self.inner.capabilities()
    }

    fn start_client(&self, config: &ClientTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        let inner = self.inner.start_client(config, context)?;
        Ok(Box::new(CountingSession { inner, counts: Arc::clone(&self.counts) }))
    }

    fn start_server(&self, config: &ServerTls, context: SessionContext) -> Result<Box<dyn Session>, Error> {
        let inner = self.inner.start_server(config, context)?;
        Ok(Box::new(CountingSession { inner, counts: Arc::clone(&self.counts) }))
    }

    fn check_chain(&self, check: &ChainCheck<'_>) -> Result<(), Error> {
        self.inner.check_chain(check)
    }
}

struct CountingSession {
    inner: Box<dyn Session>,
    counts: Arc<Counts>,
}

impl Session for CountingSession {
    fn read_tls(&mut self, input: &[u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.inner.read_tls(input, plaintext, out)
    }

    fn write_plaintext(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.inner.write_plaintext(data, out)
    }

    fn proceed(&mut self, plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        self.inner.proceed(plaintext, out)
    }

    fn close_notify(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.inner.close_notify(out)
    }

    fn send_alert(&mut self, alert: Alert, out: &mut Vec<u8>) -> Result<(), Error> {
        self.inner.send_alert(alert, out)
    }

    fn status(&self) -> SessionStatus {
        self.inner.status()
    }

    fn info(&self) -> ConnectionInfo {
        self.counts.info.fetch_add(1, Ordering::Relaxed);
        self.inner.info()
    }

    fn peer_certificates(&self) -> Vec<Certificate> {
        self.counts.peer_certificates.fetch_add(1, Ordering::Relaxed);
        self.inner.peer_certificates()
    }

    fn forget_session(&mut self) {
        self.inner.forget_session();
    }
}
