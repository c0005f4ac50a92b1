//! What a Python `Connection` and its callbacks share: the core connection
//! under a lock, the way a callback reaches its connection, and the run of
//! every call (engine work with the GIL released, then the output handed to
//! `write_to_wire_callback` and `wire_close_callback` with the GIL held).
//!
//! Callbacks into Python (verify, stores) run inside engine work, on the
//! calling thread, with the GIL taken again. While they run, the connection
//! is locked by that thread (its `owner`): a call back into the same
//! connection is queued (`data_from_application`, `application_finished`),
//! turned into the veto's alert (`send_alert` in a verify callback) or
//! refused, never a deadlock.

use super::errors::to_py;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Wake, Waker};
use wiretls_core::{AlertDescription, Connection, Error, Side};

static NEXT_THREAD_KEY: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static THREAD_KEY: u64 = NEXT_THREAD_KEY.fetch_add(1, Ordering::Relaxed);
    /// The connections whose engine work runs on this thread, innermost last.
    static CURRENT: RefCell<Vec<Weak<Shared>>> = const { RefCell::new(Vec::new()) };
}

fn thread_key() -> u64 {
    THREAD_KEY.with(|k| *k)
}

/// The connection whose engine work is running on this thread (for the
/// store adapters, which one `ServerTLS` shares between its connections).
pub(crate) fn current() -> Option<Arc<Shared>> {
    CURRENT.with(|c| c.borrow().last().and_then(Weak::upgrade))
}

/// A command given from inside one of the connection's own callbacks, run
/// when the call that is under way ends.
pub(crate) enum Queued {
    Data(Vec<u8>),
    Finished,
}

/// What callbacks leave for the call under way (never held across engine work).
#[derive(Default)]
pub(crate) struct Stash {
    /// The exception a Python callback raised: the `__cause__` of the error it led to.
    pub(crate) callback_error: Option<PyErr>,
    /// `send_alert` called inside the verify callback: the veto's alert.
    pub(crate) verify_alert: Option<AlertDescription>,
    /// Inside the verify callback: the server name it verifies.
    pub(crate) in_verify: Option<Option<String>>,
    pub(crate) queued: Vec<Queued>,
    /// Tasks of `async` store methods, kept alive until the connection ends.
    pub(crate) tasks: Vec<Py<PyAny>>,
}

/// The connection's state behind its lock.
pub(crate) struct State {
    pub(crate) conn: Option<Connection>,
    /// Application data decrypted while no `data_from_wire` was under way
    /// (a store answered later), or whose call raised in `write_to_wire`.
    pub(crate) pending_plain: Vec<u8>,
    /// An error met while continuing after a store's answer: the next call raises it.
    pub(crate) deferred: Option<Error>,
    close_reported: bool,
}

/// One Python connection's shared part.
pub(crate) struct Shared {
    state: Mutex<State>,
    stash: Mutex<Stash>,
    owner: AtomicU64,
    woken: AtomicBool,
    /// One call at a time from taking its output to handing it to the
    /// transport callbacks, so that output reaches the wire in the order
    /// the engine wrote it whichever thread gets the GIL first.
    delivering: Mutex<bool>,
    delivered: Condvar,
    delivery_owner: AtomicU64,
    pub(crate) side: Side,
    pub(crate) engine: &'static str,
    /// The transport callbacks: the seed's write_to_wire and wire_close
    /// (behind a lock so that the garbage collector can clear them, breaking
    /// the cycle an asyncio protocol that owns its connection makes).
    transport: Mutex<Transport>,
    /// The Python `Connection` that `start` returned (weak: it owns this),
    /// handed to the verify callback.
    pub(crate) python: std::sync::OnceLock<Py<pyo3::types::PyWeakrefReference>>,
}

/// The transport callbacks of a connection.
pub(crate) struct Transport {
    write_to_wire: Option<Py<PyAny>>,
    wire_close: Option<Py<PyAny>>,
}

/// Sets the connection's flag when a store answers (core's waker).
struct Flag(Weak<Shared>);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        if let Some(s) = self.0.upgrade() {
            s.woken.store(true, Ordering::SeqCst);
        }
    }
}

/// What one run produced, for the part with the GIL held.
pub(crate) struct Ran<T> {
    pub(crate) result: Result<T, Error>,
    output: Vec<u8>,
    close: Option<bool>,
    /// This call's turn to deliver (none for a call made from inside a
    /// transport callback of the same connection, whose output follows the
    /// bytes being delivered); released when dropped.
    _turn: Option<Turn>,
}

/// A call's turn to take and deliver its output.
pub(crate) struct Turn(Arc<Shared>);

impl Turn {
    /// Wait (the GIL released by the caller) for the connection's turn.
    fn take(shared: &Arc<Shared>) -> Option<Self> {
        if shared.delivery_owner.load(Ordering::SeqCst) == thread_key() {
            return None;
        }
        let mut busy = shared.delivering.lock().unwrap_or_else(PoisonError::into_inner);
        while *busy {
            busy = shared.delivered.wait(busy).unwrap_or_else(PoisonError::into_inner);
        }
        *busy = true;
        shared.delivery_owner.store(thread_key(), Ordering::SeqCst);
        Some(Self(Arc::clone(shared)))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.0.delivery_owner.store(0, Ordering::SeqCst);
        *self.0.delivering.lock().unwrap_or_else(PoisonError::into_inner) = false;
        self.0.delivered.notify_one();
    }
}

/// Ends the connection's engine work on this thread, even on a panic.
struct Working<'a>(&'a Shared);

impl Drop for Working<'_> {
    fn drop(&mut self) {
        CURRENT.with(|c| c.borrow_mut().pop());
        self.0.owner.store(0, Ordering::SeqCst);
    }
}

impl Shared {
    pub(crate) fn new(
        side: Side,
        engine: &'static str,
        write_to_wire: Py<PyAny>,
        wire_close: Option<Py<PyAny>>,
    ) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State {
                conn: None,
                pending_plain: Vec::new(),
                deferred: None,
                close_reported: false,
            }),
            stash: Mutex::new(Stash::default()),
            owner: AtomicU64::new(0),
            woken: AtomicBool::new(false),
            delivering: Mutex::new(false),
            delivered: Condvar::new(),
            delivery_owner: AtomicU64::new(0),
            side,
            engine,
            transport: Mutex::new(Transport { write_to_wire: Some(write_to_wire), wire_close }),
            python: std::sync::OnceLock::new(),
        })
    }

    pub(crate) fn stash(&self) -> MutexGuard<'_, Stash> {
        self.stash.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The waker to give the core connection.
    pub(crate) fn waker(self: &Arc<Self>) -> Waker {
        Waker::from(Arc::new(Flag(Arc::downgrade(self))))
    }

    /// True while this thread runs engine work of this connection (so a
    /// call now comes from inside one of its callbacks).
    pub(crate) fn is_reentrant(&self) -> bool {
        self.owner.load(Ordering::SeqCst) == thread_key()
    }

    /// Read the connection under its lock (the GIL released while waiting).
    pub(crate) fn read<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&State) -> T + Send) -> PyResult<T> {
        if self.is_reentrant() {
            return Err(PyRuntimeError::new_err(
                "this Connection is busy in the call that runs this callback; read it after that call returns",
            ));
        }
        Ok(py.detach(|| f(&self.lock())))
    }

    /// Run `op` on the locked state with the GIL released, then the queued
    /// commands and any store answer; collect what goes to the wire.
    /// `take_deferred`: a deferred error answers this call instead of `op`.
    pub(crate) fn run<T: Send>(
        self: &Arc<Self>,
        py: Python<'_>,
        take_deferred: bool,
        op: impl FnOnce(&mut State) -> Result<T, Error> + Send,
        after: impl FnOnce(&mut State, Result<T, Error>) -> Result<T, Error> + Send,
    ) -> PyResult<Ran<T>> {
        if self.is_reentrant() {
            return Err(PyRuntimeError::new_err(
                "a Connection method was called from inside one of the same connection's callbacks",
            ));
        }
        Ok(py.detach(|| {
            let turn = Turn::take(self);
            let mut state = self.lock();
            if take_deferred && state.deferred.is_none() {
                // A callback's exception that no error took is stale.
                self.stash().callback_error = None;
            }
            self.owner.store(thread_key(), Ordering::SeqCst);
            CURRENT.with(|c| c.borrow_mut().push(Arc::downgrade(self)));
            let working = Working(self);
            let result = match state.deferred.take() {
                Some(e) if take_deferred => Err(e),
                kept => {
                    state.deferred = kept;
                    op(&mut state)
                }
            };
            self.drain(&mut state);
            let result = after(&mut state, result);
            drop(working);
            let mut output = Vec::new();
            let mut close = None;
            let State { conn, close_reported, .. } = &mut *state;
            if let Some(conn) = conn.as_mut() {
                if let Some(buf) = conn.wire_buffer() {
                    std::mem::swap(&mut output, buf);
                }
                if !*close_reported {
                    close = conn.close_requested();
                    *close_reported = close.is_some();
                }
            }
            Ran { result, output, close, _turn: turn }
        }))
    }

    /// Commands queued by callbacks, and the continuation after a store's answer.
    fn drain(&self, state: &mut State) {
        loop {
            let queued = std::mem::take(&mut self.stash().queued);
            let woken = self.woken.swap(false, Ordering::SeqCst);
            if queued.is_empty() && !woken {
                return;
            }
            let State { conn, pending_plain, deferred, .. } = state;
            let Some(conn) = conn.as_mut() else { return };
            for command in queued {
                let done = match command {
                    Queued::Data(data) => conn.data_from_application(&data),
                    Queued::Finished => conn.application_finished(),
                };
                if let Err(e) = done {
                    deferred.get_or_insert(e);
                }
            }
            if woken && conn.invalidated_by().is_none() {
                match conn.proceed() {
                    Ok(plain) => pending_plain.extend_from_slice(&plain),
                    Err(e) => {
                        deferred.get_or_insert(e);
                    }
                }
            }
        }
    }

    /// Hand a run's output to the Python callbacks, then turn its result
    /// into Python's: an error becomes its exception (with the callback's
    /// exception as `__cause__` where one led to it); an exception of
    /// `write_to_wire_callback` or `wire_close_callback` is raised after a
    /// success, and is the `__context__` of the error after a failure.
    /// `undelivered` gets a success's value when a transport callback raised.
    pub(crate) fn finish<T>(&self, py: Python<'_>, ran: Ran<T>, undelivered: impl FnOnce(T)) -> PyResult<T> {
        let mut transport_error = None;
        let (write, close) = {
            let t = self.transport();
            (
                t.write_to_wire.as_ref().map(|w| w.clone_ref(py)),
                t.wire_close.as_ref().map(|c| c.clone_ref(py)),
            )
        };
        if let (false, Some(write)) = (ran.output.is_empty(), &write) {
            if let Err(e) = write.call1(py, (PyBytes::new(py, &ran.output),)) {
                transport_error = Some(e);
            }
        }
        if let (Some(immediate), Some(close)) = (ran.close, &close) {
            if let Err(e) = close.call1(py, (immediate,)) {
                transport_error.get_or_insert(e);
            }
        }
        match ran.result {
            Ok(v) => match transport_error {
                None => Ok(v),
                Some(e) => {
                    undelivered(v);
                    Err(e)
                }
            },
            Err(e) => {
                let cause = match e {
                    Error::Rejected { .. }
                    | Error::CallbackPanicked { .. }
                    | Error::NoServerCertificate { .. } => self.stash().callback_error.take(),
                    _ => None,
                };
                // KeyboardInterrupt, SystemExit: raised as themselves, not
                // wrapped in a TLS error that `except TLSError` would catch.
                if let Some(c) =
                    cause.as_ref().filter(|c| !c.is_instance_of::<pyo3::exceptions::PyException>(py))
                {
                    return Err(c.clone_ref(py));
                }
                let err = to_py(py, &e, cause);
                if let Some(t) = transport_error {
                    let _ = err.value(py).setattr("__context__", t.value(py));
                }
                Err(err)
            }
        }
    }

    /// Keep application data for the next `data_from_wire` (its call raised).
    pub(crate) fn keep_plaintext(&self, py: Python<'_>, mut plain: Vec<u8>) {
        if plain.is_empty() {
            return;
        }
        py.detach(|| {
            let mut state = self.lock();
            plain.extend_from_slice(&state.pending_plain);
            state.pending_plain = plain;
        });
    }

    /// A store answered (its callback was called, or dropped unanswered):
    /// continue the handshake now, unless this thread is inside the
    /// connection's own call, which continues it when the store returns.
    pub(crate) fn continue_after_answer(self: &Arc<Self>, py: Python<'_>) -> PyResult<()> {
        if self.is_reentrant() {
            return Ok(());
        }
        let ran = self.run(py, false, |_| Ok(()), |_, r| r)?;
        self.finish(py, ran, |()| ())
    }

    fn transport(&self) -> MutexGuard<'_, Transport> {
        self.transport.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The garbage collector's view: the Python objects this connection
    /// holds (skipped while another thread holds them, which only keeps
    /// them alive longer).
    pub(crate) fn traverse(&self, visit: &pyo3::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        if let Ok(t) = self.transport.try_lock() {
            for obj in [&t.write_to_wire, &t.wire_close].into_iter().flatten() {
                visit.call(obj)?;
            }
        }
        if let Ok(stash) = self.stash.try_lock() {
            for task in &stash.tasks {
                visit.call(task)?;
            }
        }
        Ok(())
    }

    /// The garbage collector breaks a cycle through this connection.
    pub(crate) fn clear(&self) {
        let mut t = self.transport();
        t.write_to_wire = None;
        t.wire_close = None;
        drop(t);
        self.stash().tasks.clear();
    }

    /// Record a Python callback's exception (the first one counts).
    pub(crate) fn record_callback_error(&self, e: PyErr) {
        let mut stash = self.stash();
        if stash.callback_error.is_none() {
            stash.callback_error = Some(e);
        }
    }
}
