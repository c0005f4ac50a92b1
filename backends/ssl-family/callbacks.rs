//! The raw-pointer glue both libraries need alike: finding a connection's
//! state from a callback, catching panics before they reach C, the info
//! callback that records alerts, and two calls the safe crates bind behind
//! `unsafe`. One source for the OpenSSL and BoringSSL engines
//! (`backends/ssl-family`); each crate's own `ffi.rs` holds the rest.

use std::ffi::c_int;
use std::sync::Arc;

use wiretls_core::{Alert, AlertDescription, AlertLevel};

use crate::shared::{index, Shared};
use crate::ssl_lib::ssl::{Ssl, SslRef, SslSessionRef, SslStream};
use crate::ssl_sys::SSL;
use foreign_types::ForeignTypeRef;

const SSL_CB_READ: c_int = 0x04;
const SSL_CB_WRITE: c_int = 0x08;
const SSL_CB_ALERT: c_int = 0x4000;

/// The connection state of `ssl`, if it is one of ours.
pub(crate) fn shared_of(ssl: &SslRef) -> Option<Arc<Shared>> {
    ssl.ex_data(index().ok()?).cloned()
}

/// The pointer of `ssl`, for [`guard`].
pub(crate) fn ptr_of(ssl: &SslRef) -> *const SSL {
    ssl.as_ptr()
}

/// Run the body of a callback the library (or its Rust crate, for a closure
/// callback) called for `ssl`, catching a panic so that it never unwinds
/// into C (a panic out of an `extern "C"` function aborts the process; the
/// crates' closure callbacks do not catch either): the panic becomes the
/// connection's failure, which the session reports, and the library gets
/// `failed`, the callback's own failure value. Application callbacks are
/// caught closer to them (core's `VerifyHook::run` and `StoreRef::ask`); a
/// panic here is the engine's.
pub(crate) fn guard<T>(ssl: *const SSL, callback: &str, failed: T, body: impl FnOnce() -> T) -> T {
    wiretls_core::engine::callbacks::guard(failed, body, |message| record_panic(ssl, callback, &message))
}

fn record_panic(ssl: *const SSL, callback: &str, message: &str) {
    if ssl.is_null() {
        return;
    }
    // SAFETY: `ssl` is the non-null SSL the library passed to the running
    // callback; it stays valid for the call and is only read here.
    let ssl = unsafe { SslRef::from_ptr(ssl as *mut SSL) };
    if let Some(shared) = shared_of(ssl) {
        shared.record_panic(crate::errors::ENGINE, callback, message);
    }
}

/// `SSL_CTX_set_info_callback`: remember the alerts sent and received.
pub(crate) unsafe extern "C" fn info_cb(ssl: *const SSL, where_: c_int, ret: c_int) {
    guard(ssl, "info", (), || {
        // SAFETY: the library passes the SSL the event belongs to; only read here.
        info_cb_body(unsafe { SslRef::from_ptr(ssl as *mut SSL) }, where_, ret);
    });
}

fn info_cb_body(ssl: &SslRef, where_: c_int, ret: c_int) {
    if where_ & SSL_CB_ALERT == 0 {
        return;
    }
    let Some(shared) = shared_of(ssl) else { return };
    // A received alert of a level no RFC defines is no alert the peer sent
    // us but a fault the engine answers itself (illegal_parameter).
    let Some(level) = AlertLevel::from_wire(((ret >> 8) & 0xff) as u8) else { return };
    let alert = Alert { level, description: AlertDescription::from_wire((ret & 0xff) as u8) };
    let mut state = shared.lock();
    if where_ & SSL_CB_WRITE != 0 && alert.description != AlertDescription::CLOSE_NOTIFY {
        state.alert_sent = Some(alert);
    } else if where_ & SSL_CB_READ != 0 {
        state.alert_received = Some(alert);
    }
}

/// Resume `session` on a new client connection.
#[doc(alias = "SSL_set_session")]
pub(crate) fn resume_session(ssl: &mut Ssl, session: &SslSessionRef) -> Result<(), wiretls_core::Error> {
    // SAFETY: the crates mark `SSL_set_session` unsafe because the session
    // must come from a compatible context: every session in a client's cache
    // was made by a connection of the same SSL_CTX as `ssl`.
    unsafe { ssl.set_session(session) }.map_err(|e| crate::errors::engine_error(&e))
}

/// Read up to `chunk` bytes of application data straight into the spare
/// capacity of `plaintext` (no zero-filling, no intermediate buffer).
#[doc(alias = "SSL_read_ex")]
pub(crate) fn read_into<S: std::io::Read + std::io::Write>(
    stream: &mut SslStream<S>,
    plaintext: &mut Vec<u8>,
    chunk: usize,
) -> Result<usize, crate::ssl_lib::ssl::Error> {
    plaintext.reserve(chunk);
    let start = plaintext.len();
    let n = stream.ssl_read_uninit(plaintext.spare_capacity_mut())?;
    // SAFETY: `ssl_read_uninit` guarantees that the first `n` bytes of the
    // spare capacity are initialized, and `n` is at most its length.
    unsafe { plaintext.set_len(start + n) };
    Ok(n)
}
