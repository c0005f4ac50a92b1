//! The BoringSSL calls the safe `boring` crate does not bind (or binds
//! behind `unsafe`), and the callbacks that go with them. Every `unsafe`
//! block of the engine is here.

use std::ffi::{c_int, c_void};
use std::sync::Arc;

use std::sync::OnceLock;

use boring::ex_data::Index;
use boring::ssl::{Ssl, SslContextBuilder, SslRef};
use boring::x509::X509StoreContextRef;
use boring_sys::{SSL, SSL_CTX};
use foreign_types::ForeignTypeRef;
use wiretls_core::engine::StoreAnswer;
use wiretls_core::{AlertDescription, DistinguishedName};

pub(crate) use crate::callbacks::{guard, ptr_of, read_into, resume_session, shared_of};
use crate::shared::{Chains, Shared};
use crate::tickets::ConnectionTickets;

/// Send what BoringSSL keeps for the application's next write: its answer
/// to a peer's KeyUpdate with `update_requested`. BoringSSL's documented way
/// is a write of zero bytes, which sends no record of its own; the `boring`
/// crate's writes skip empty ones, hence the direct call. Its result is
/// ignored: with nothing queued there is nothing to report, and a failure to
/// write into memory cannot happen.
#[doc(alias = "SSL_write")]
pub(crate) fn flush_queued_messages(ssl: &SslRef) {
    // SAFETY: `ssl` is a live SSL with its handshake done; a zero-length
    // write reads nothing from the (dangling but never dereferenced) buffer.
    unsafe {
        boring_sys::SSL_write(ssl.as_ptr(), std::ptr::NonNull::<u8>::dangling().as_ptr().cast(), 0);
        // A refused empty write may leave an error on this thread's queue,
        // where the next call would find it.
        boring_sys::ERR_clear_error();
    }
}

/// The ex_data slot of a server `SSL` holding the tickets it issued or
/// resumed from.
pub(crate) fn tickets_index() -> Result<Index<Ssl, Arc<ConnectionTickets>>, wiretls_core::Error> {
    static INDEX: OnceLock<Result<Index<Ssl, Arc<ConnectionTickets>>, String>> = OnceLock::new();
    INDEX
        .get_or_init(|| Ssl::new_ex_index::<Arc<ConnectionTickets>>().map_err(|e| e.to_string()))
        .clone()
        .map_err(|detail| wiretls_core::Error::Engine { engine: "boring", detail })
}

/// wiretls's ticket sealing (see `tickets`): revocable tickets.
static TICKET_METHOD: boring_sys::SSL_TICKET_AEAD_METHOD = boring_sys::SSL_TICKET_AEAD_METHOD {
    max_overhead: Some(ticket_overhead),
    seal: Some(ticket_seal),
    open: Some(ticket_open),
};

/// Seal and open this context's session tickets with wiretls's revocable
/// format. BoringSSL takes ticket settings from the context a connection
/// started with, which is the one this is installed on.
#[doc(alias = "SSL_CTX_set_ticket_aead_method")]
pub(crate) fn install_ticket_sealing(builder: &mut SslContextBuilder) {
    // SAFETY: `builder` owns a live SSL_CTX; the method table is a static,
    // so it outlives every context that points to it.
    unsafe { boring_sys::SSL_CTX_set_ticket_aead_method(builder.as_ptr(), &TICKET_METHOD) }
}

fn connection_tickets(ssl: *mut SSL) -> Option<Arc<ConnectionTickets>> {
    // SAFETY: BoringSSL calls the ticket callbacks with the live SSL whose
    // handshake is running; it is only read here.
    let ssl = unsafe { SslRef::from_ptr(ssl) };
    ssl.ex_data(tickets_index().ok()?).cloned()
}

unsafe extern "C" fn ticket_overhead(_ssl: *mut SSL) -> usize {
    crate::tickets::OVERHEAD
}

unsafe extern "C" fn ticket_seal(
    ssl: *mut SSL,
    out: *mut u8,
    out_len: *mut usize,
    max_out_len: usize,
    input: *const u8,
    input_len: usize,
) -> c_int {
    guard(ssl, "ticket-seal", 0, || {
        let Some(conn) = connection_tickets(ssl) else { return 0 };
        if out.is_null() || out_len.is_null() || (input.is_null() && input_len > 0) {
            return 0;
        }
        // SAFETY: BoringSSL hands `input_len` readable bytes at `input` and
        // `max_out_len` writable bytes at `out`, in separate buffers, for the
        // duration of the call.
        let (session, buffer) = unsafe {
            let session = if input_len == 0 { &[][..] } else { std::slice::from_raw_parts(input, input_len) };
            (session, std::slice::from_raw_parts_mut(out, max_out_len))
        };
        match crate::tickets::seal(&conn, session, buffer) {
            Some(n) => {
                // SAFETY: `out_len` is BoringSSL's non-null output length.
                unsafe { *out_len = n };
                1
            }
            None => 0,
        }
    })
}

unsafe extern "C" fn ticket_open(
    ssl: *mut SSL,
    out: *mut u8,
    out_len: *mut usize,
    max_out_len: usize,
    input: *const u8,
    input_len: usize,
) -> boring_sys::ssl_ticket_aead_result_t {
    use boring_sys::ssl_ticket_aead_result_t as R;
    guard(ssl, "ticket-open", R::ssl_ticket_aead_ignore_ticket, || {
        let Some(conn) = connection_tickets(ssl) else { return R::ssl_ticket_aead_ignore_ticket };
        if out.is_null() || out_len.is_null() || input.is_null() || input_len == 0 {
            return R::ssl_ticket_aead_ignore_ticket;
        }
        // SAFETY: as in `ticket_seal`: the peer's ticket (`input_len` bytes)
        // and the output buffer (`max_out_len` bytes), separate, live for
        // the call.
        let (ticket, buffer) = unsafe {
            (std::slice::from_raw_parts(input, input_len), std::slice::from_raw_parts_mut(out, max_out_len))
        };
        match crate::tickets::open(&conn, ticket, buffer) {
            crate::tickets::Opened::Session(n) => {
                // SAFETY: `out_len` is BoringSSL's non-null output length.
                unsafe { *out_len = n };
                R::ssl_ticket_aead_success
            }
            crate::tickets::Opened::Ignore => R::ssl_ticket_aead_ignore_ticket,
        }
    })
}

/// Install the client-certificate and info callbacks on a context.
#[doc(alias = "SSL_CTX_set_cert_cb")]
#[doc(alias = "SSL_CTX_set_info_callback")]
pub(crate) fn install_callbacks(builder: &mut SslContextBuilder, client_certificates: bool) {
    let ctx: *mut SSL_CTX = builder.as_ptr();
    // SAFETY: `ctx` is the live SSL_CTX owned by `builder`; the callbacks are
    // `extern "C"` functions with the signatures BoringSSL expects, and take
    // no argument pointer (they find their state through the SSL's ex_data).
    unsafe {
        if client_certificates {
            boring_sys::SSL_CTX_set_cert_cb(ctx, Some(client_cert_cb), std::ptr::null_mut());
        }
        boring_sys::SSL_CTX_set_info_callback(ctx, Some(crate::callbacks::info_cb));
    }
}

/// Put a chain the client's store chose on the connection.
pub(crate) fn use_chain(ssl: &mut SslRef, shared: &Shared, chain: &wiretls_core::CertificateChain) -> bool {
    let Chains::Client(chains) = &shared.chains else { return false };
    let applied = chains.get_or_try_insert(chain, crate::convert::load).and_then(|loaded| {
        let fail = |e: boring::error::ErrorStack| crate::errors::engine_error(&e);
        ssl.set_certificate(&loaded.leaf).map_err(fail)?;
        ssl.set_private_key(&loaded.key).map_err(fail)?;
        for cert in &loaded.intermediates {
            ssl.add_chain_cert(cert).map_err(fail)?;
        }
        Ok(())
    });
    match applied {
        Ok(()) => true,
        Err(e) => {
            shared.lock().failure = Some(e);
            false
        }
    }
}

/// Switch a server connection to the context presenting the chain the
/// store chose.
#[doc(alias = "SSL_set_SSL_CTX")]
pub(crate) fn use_server_chain(
    ssl: &mut SslRef,
    shared: &Shared,
    chain: &wiretls_core::CertificateChain,
) -> bool {
    let Chains::Server(chains) = &shared.chains else { return false };
    let switched = chains
        .get_or_try_insert(chain, crate::context::with_chain)
        .and_then(|ctx| ssl.set_ssl_context(&ctx).map_err(|e| crate::errors::engine_error(&e)));
    match switched {
        Ok(()) => true,
        Err(e) => {
            shared.lock().failure = Some(e);
            false
        }
    }
}

/// `SSL_CTX_set_cert_cb` on a client: ask the store with the server's CA
/// names; suspend (-1) until it answered.
unsafe extern "C" fn client_cert_cb(ssl: *mut SSL, _arg: *mut c_void) -> c_int {
    // -1 suspends the handshake; the session then reports the failure.
    guard(ssl, "client certificate", -1, || {
        // SAFETY: BoringSSL calls this with the SSL whose handshake is
        // running; it stays valid and is not used elsewhere for the duration
        // of the call.
        client_cert_body(unsafe { SslRef::from_ptr_mut(ssl) })
    })
}

fn client_cert_body(ssl: &mut SslRef) -> c_int {
    let Some(shared) = shared_of(ssl) else { return 1 };
    let roots = requested_cas(ssl);
    match shared.query.poll(None, &roots) {
        StoreAnswer::Pending => -1,
        StoreAnswer::Failed(e) => {
            shared.lock().failure = Some(e);
            -1
        }
        StoreAnswer::NoChain => 1,
        StoreAnswer::Chain(chain) => {
            if use_chain(ssl, &shared, &chain) {
                1
            } else {
                -1
            }
        }
    }
}

/// The CA names of the server's CertificateRequest.
#[doc(alias = "SSL_get0_server_requested_CAs")]
fn requested_cas(ssl: &SslRef) -> Vec<DistinguishedName> {
    // SAFETY: `ssl` is valid; the list it returns (possibly null) is owned
    // by the SSL and outlives this function, which only reads it.
    let list = unsafe { boring_sys::SSL_get0_server_requested_CAs(ssl.as_ptr()) };
    if list.is_null() {
        return Vec::new();
    }
    // SAFETY: a non-null STACK_OF(CRYPTO_BUFFER), read element by element
    // within its length; each buffer's data pointer and length describe
    // bytes the buffer owns.
    unsafe {
        let stack = list as *const boring_sys::OPENSSL_STACK;
        (0..boring_sys::OPENSSL_sk_num(stack))
            .map(|i| boring_sys::OPENSSL_sk_value(stack, i) as *const boring_sys::CRYPTO_BUFFER)
            .filter(|b| !b.is_null())
            .map(|b| {
                let data = boring_sys::CRYPTO_BUFFER_data(b);
                let len = boring_sys::CRYPTO_BUFFER_len(b);
                DistinguishedName::from_der(std::slice::from_raw_parts(data, len).to_vec())
            })
            .collect()
    }
}

/// Make a verification fail with the X.509 error `code`.
pub(crate) fn set_verify_error(ctx: &mut X509StoreContextRef, code: c_int) {
    // SAFETY: `code` is one of BoringSSL's own X509_V_ERR constants
    // (`errors::verify_error_for`), valid for the error-string table.
    ctx.set_error(unsafe { boring::x509::X509VerifyError::from_raw(code) });
}

/// Send a fatal alert.
#[doc(alias = "SSL_send_fatal_alert")]
pub(crate) fn send_fatal_alert(ssl: &SslRef, alert: AlertDescription) -> bool {
    // SAFETY: `ssl` is a live connection; BoringSSL writes the alert to its
    // output and marks the connection failed.
    unsafe { boring_sys::SSL_send_fatal_alert(ssl.as_ptr(), alert.wire()) >= 0 }
}

/// Check a chain for client or server authentication.
#[doc(alias = "X509_VERIFY_PARAM_set_purpose")]
pub(crate) fn set_purpose(param: &mut boring::x509::verify::X509VerifyParamRef, server: bool) -> bool {
    let purpose =
        if server { boring_sys::X509_PURPOSE_SSL_SERVER } else { boring_sys::X509_PURPOSE_SSL_CLIENT };
    // SAFETY: `param` is a live verify parameter owned by the caller.
    unsafe { boring_sys::X509_VERIFY_PARAM_set_purpose(param.as_ptr(), purpose) == 1 }
}

/// Make `ssl` a client or a server connection.
#[doc(alias = "SSL_set_connect_state")]
#[doc(alias = "SSL_set_accept_state")]
pub(crate) fn set_side(ssl: &mut Ssl, side: wiretls_core::Side) {
    // SAFETY: `ssl` is a live connection that has not started its handshake.
    unsafe {
        match side {
            wiretls_core::Side::Client => boring_sys::SSL_set_connect_state(ssl.as_ptr()),
            wiretls_core::Side::Server => boring_sys::SSL_set_accept_state(ssl.as_ptr()),
        }
    }
}

/// Drop the connection's configuration once its handshake completed
/// (BoringSSL keeps what the connection itself negotiated): an idle
/// established connection holds less. wiretls never renegotiates, which is
/// what the shed configuration would be needed for.
#[doc(alias = "SSL_set_shed_handshake_config")]
pub(crate) fn shed_handshake_config(ssl: &mut Ssl) {
    // SAFETY: `ssl` is a live connection that has not started its handshake.
    unsafe { boring_sys::SSL_set_shed_handshake_config(ssl.as_ptr(), 1) }
}

/// Remove the connection's session from its context's cache.
#[doc(alias = "SSL_CTX_remove_session")]
pub(crate) fn remove_session(ssl: &SslRef) {
    // SAFETY: `ssl` is live; its session (possibly null) and context are
    // owned by it for the duration of the call; removing a session that is
    // not cached is a no-op.
    unsafe {
        let session = boring_sys::SSL_get_session(ssl.as_ptr());
        if !session.is_null() {
            boring_sys::SSL_CTX_remove_session(boring_sys::SSL_get_SSL_CTX(ssl.as_ptr()), session);
        }
    }
}
