//! The libssl calls the safe `openssl` crate does not bind, and the
//! callbacks that go with them. Every `unsafe` block of the engine is here.

use std::ffi::{c_int, c_long, c_void};

use foreign_types::ForeignTypeRef;
use openssl::ssl::{SslContextBuilder, SslRef};
use openssl::stack::StackRef;
use openssl::x509::{X509NameRef, X509Ref};
use openssl_sys::{SSL, SSL_CTX, X509_STORE_CTX};
use wiretls_core::{DistinguishedName, VerifyContext};

pub(crate) use crate::callbacks::{guard, ptr_of, read_into, resume_session, shared_of};
use crate::shared::{Chains, Shared};
use wiretls_core::engine::StoreAnswer;

/// `SSL_CTRL_GET_NEGOTIATED_GROUP` (OpenSSL 3.0's `SSL_get_negotiated_group` is a macro over it).
const SSL_CTRL_GET_NEGOTIATED_GROUP: c_int = 134;

extern "C" {
    fn SSL_CTX_set_cert_cb(
        ctx: *mut SSL_CTX,
        cb: Option<unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int>,
        arg: *mut c_void,
    );
    fn SSL_CTX_set_cert_verify_callback(
        ctx: *mut SSL_CTX,
        cb: Option<unsafe extern "C" fn(*mut X509_STORE_CTX, *mut c_void) -> c_int>,
        arg: *mut c_void,
    );
    fn SSL_CTX_set_info_callback(
        ctx: *mut SSL_CTX,
        cb: Option<unsafe extern "C" fn(*const SSL, c_int, c_int)>,
    );
    fn SSL_get_client_CA_list(ssl: *const SSL) -> *mut openssl_sys::stack_st_X509_NAME;
    fn X509_STORE_CTX_get0_cert(ctx: *const X509_STORE_CTX) -> *mut openssl_sys::X509;
    fn X509_STORE_CTX_get0_untrusted(ctx: *const X509_STORE_CTX) -> *mut openssl_sys::stack_st_X509;
    fn SSL_get_key_update_type(ssl: *const SSL) -> c_int;
    fn SSL_key_update(ssl: *mut SSL, updatetype: c_int) -> c_int;
    fn SSL_free_buffers(ssl: *mut SSL) -> c_int;
}

/// Free the connection's record buffers if nothing is pending in them (a
/// no-op returning 0 otherwise; the next record allocates them again).
#[doc(alias = "SSL_free_buffers")]
pub(crate) fn free_buffers(ssl: &SslRef) {
    // SAFETY: `ssl` is a live SSL; SSL_free_buffers frees only buffers that
    // hold no pending data and leaves the connection usable.
    unsafe { SSL_free_buffers(ssl.as_ptr()) };
}

/// `SSL_KEY_UPDATE_NONE`: no KeyUpdate waits to be sent.
const SSL_KEY_UPDATE_NONE: c_int = -1;

/// Whether a KeyUpdate of ours waits to be sent (OpenSSL keeps its answer to
/// a peer's `update_requested` until the application's next write) and, if
/// so, put the connection back in its state machine so that the next
/// `SSL_do_handshake` sends it. TLS 1.3 only (nothing waits in TLS 1.2).
#[doc(alias = "SSL_get_key_update_type")]
#[doc(alias = "SSL_key_update")]
pub(crate) fn schedule_pending_key_update(ssl: &SslRef) -> bool {
    // SAFETY: `ssl` is a live SSL; the call only reads its state.
    let pending = unsafe { SSL_get_key_update_type(ssl.as_ptr()) };
    if pending == SSL_KEY_UPDATE_NONE {
        return false;
    }
    // SAFETY: a live SSL whose handshake is done (a KeyUpdate is pending only
    // then); SSL_key_update with the pending type changes nothing but its
    // state, and fails (returning 0) only with a write pending, which a
    // memory transport never leaves.
    unsafe { SSL_key_update(ssl.as_ptr(), pending) == 1 }
}

/// Install the certificate, verification and info callbacks on a context.
#[doc(alias = "SSL_CTX_set_cert_cb")]
#[doc(alias = "SSL_CTX_set_cert_verify_callback")]
#[doc(alias = "SSL_CTX_set_info_callback")]
pub(crate) fn install_callbacks(builder: &mut SslContextBuilder, certificates: bool) {
    let ctx = builder.as_ptr();
    // SAFETY: `ctx` is the live SSL_CTX owned by `builder`; the callbacks are
    // `extern "C"` functions with the signatures libssl expects, and take no
    // argument pointer (they find their state through the SSL's ex_data).
    unsafe {
        if certificates {
            SSL_CTX_set_cert_cb(ctx, Some(cert_cb), std::ptr::null_mut());
        }
        SSL_CTX_set_cert_verify_callback(ctx, Some(cert_verify_cb), std::ptr::null_mut());
        SSL_CTX_set_info_callback(ctx, Some(crate::callbacks::info_cb));
    }
}

/// `SSL_CTX_set_cert_cb`: ask the store; suspend (-1) until it answered.
unsafe extern "C" fn cert_cb(ssl: *mut SSL, _arg: *mut c_void) -> c_int {
    // -1 suspends the handshake; the session then reports the failure.
    guard(ssl, "certificate", -1, || {
        // SAFETY: libssl calls this with the SSL whose handshake is running;
        // it stays valid and is not used elsewhere for the duration of the call.
        cert_cb_body(unsafe { SslRef::from_ptr_mut(ssl) })
    })
}

fn cert_cb_body(ssl: &mut SslRef) -> c_int {
    let Some(shared) = shared_of(ssl) else { return 1 };
    let server_name = ssl.servername(openssl::ssl::NameType::HOST_NAME).map(str::to_owned);
    // On a server, SSL_get_client_CA_list is the server's own list: only a
    // client asks with the names its peer sent.
    let roots = match shared.side {
        wiretls_core::Side::Client => client_ca_names(ssl),
        wiretls_core::Side::Server => {
            shared.set_server_name(server_name.clone());
            Vec::new()
        }
    };
    match shared.query.poll(server_name.as_deref(), &roots) {
        StoreAnswer::Pending => -1,
        StoreAnswer::Failed(e) => {
            shared.lock().failure = Some(e);
            -1
        }
        StoreAnswer::NoChain if shared.side == wiretls_core::Side::Server => {
            // The session fails the handshake with the alert wiretls sends
            // for this: stop OpenSSL here, before it says anything.
            shared.lock().no_certificate = true;
            -1
        }
        StoreAnswer::NoChain => 1,
        StoreAnswer::Chain(chain) => match use_chain(ssl, &shared, &chain) {
            Ok(()) => 1,
            Err(e) => {
                shared.lock().failure = Some(e);
                -1
            }
        },
    }
}

/// Present `chain`: a client puts it on the connection; a server switches
/// the connection to the context prepared for it (`SSL_set_SSL_CTX` from the
/// certificate callback, which runs before OpenSSL looks at the server's
/// certificates and signature algorithms).
#[doc(alias = "SSL_set_SSL_CTX")]
fn use_chain(
    ssl: &mut SslRef,
    shared: &Shared,
    chain: &wiretls_core::CertificateChain,
) -> Result<(), wiretls_core::Error> {
    let fail = |e: openssl::error::ErrorStack| crate::errors::engine_error(&e);
    match &shared.chains {
        Chains::Server(chains) => {
            let ctx = chains.get_or_try_insert(chain, crate::context::with_chain)?;
            ssl.set_ssl_context(&ctx).map_err(fail)
        }
        Chains::Client(chains) => {
            let loaded = chains.get_or_try_insert(chain, crate::convert::load)?;
            ssl.set_certificate(&loaded.leaf).map_err(fail)?;
            ssl.set_private_key(&loaded.key).map_err(fail)?;
            for cert in &loaded.intermediates {
                ssl.add_chain_cert(cert.clone()).map_err(fail)?;
            }
            Ok(())
        }
    }
}

/// The CA names a server sent in its CertificateRequest (client side).
#[doc(alias = "SSL_get_client_CA_list")]
fn client_ca_names(ssl: &SslRef) -> Vec<DistinguishedName> {
    // SAFETY: `ssl` is valid; the list it returns (possibly null) is owned
    // by the SSL and outlives this function, which only reads it.
    let list = unsafe { SSL_get_client_CA_list(ssl.as_ptr()) };
    if list.is_null() {
        return Vec::new();
    }
    // SAFETY: a non-null STACK_OF(X509_NAME) owned by the SSL (see above).
    let names: &StackRef<openssl::x509::X509Name> = unsafe { StackRef::from_ptr(list) };
    names.iter().filter_map(|n: &X509NameRef| n.to_der().ok()).map(DistinguishedName::from_der).collect()
}

/// `SSL_CTX_set_cert_verify_callback`: OpenSSL's own verification first,
/// then the application's verify callback with the verified chain.
unsafe extern "C" fn cert_verify_cb(ctx: *mut X509_STORE_CTX, _arg: *mut c_void) -> c_int {
    // SAFETY: libssl stores its SSL in the context under this index before
    // calling us; the pointer is valid for the call (or null).
    let ssl = unsafe {
        openssl_sys::X509_STORE_CTX_get_ex_data(ctx, openssl_sys::SSL_get_ex_data_X509_STORE_CTX_idx())
    } as *mut SSL;
    // 0 fails the verification; the session reports the failure.
    guard(ssl, "certificate verification", 0, || {
        // SAFETY: libssl passes the store context it set up for this
        // handshake, and the SSL stored in it (or null).
        unsafe { cert_verify_body(ctx, ssl) }
    })
}

/// The body of [`cert_verify_cb`].
///
/// # Safety
/// `ctx` is the store context libssl passed to the callback, `ssl` the SSL
/// stored in it (or null).
unsafe fn cert_verify_body(ctx: *mut X509_STORE_CTX, ssl: *mut SSL) -> c_int {
    if !ssl.is_null() {
        // SAFETY: non-null SSL of the running handshake, only read here.
        let shared = shared_of(unsafe { SslRef::from_ptr(ssl) });
        if let Some(shared) = shared {
            // wiretls's verification policy first, on the chain as presented.
            // SAFETY: libssl passes the store context it set up for this
            // handshake; its leaf and untrusted stack live for the call.
            let presented = unsafe { presented_chain(ctx) };
            let refs: Vec<&[u8]> = presented.iter().map(Vec::as_slice).collect();
            if let Err(alert) = shared.check_policy(&refs) {
                // SAFETY: the context is valid; its error chooses libssl's alert.
                unsafe { openssl_sys::X509_STORE_CTX_set_error(ctx, crate::errors::verify_error_for(alert)) };
                return 0;
            }
        }
    }
    // SAFETY: libssl passes the store context it set up for this handshake.
    let ok = unsafe { openssl_sys::X509_verify_cert(ctx) };
    if ok <= 0 {
        return ok;
    }
    if ssl.is_null() {
        return ok;
    }
    // SAFETY: non-null SSL of the running handshake, only read here.
    let ssl = unsafe { SslRef::from_ptr(ssl) };
    let Some(shared) = shared_of(ssl) else { return ok };
    let Some(hook) = shared.hook.clone() else { return ok };
    // SAFETY: after a successful X509_verify_cert the context holds the
    // verified chain, owned by the context for the rest of this call.
    let chain = unsafe { openssl_sys::X509_STORE_CTX_get0_chain(ctx) };
    let ders: Vec<Vec<u8>> = if chain.is_null() {
        Vec::new()
    } else {
        // SAFETY: a non-null STACK_OF(X509) owned by the context.
        let chain: &StackRef<openssl::x509::X509> = unsafe { StackRef::from_ptr(chain) };
        chain.iter().filter_map(|c: &X509Ref| c.to_der().ok()).collect()
    };
    let refs: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
    let server_name = shared.server_name();
    match hook.run(&refs, &VerifyContext::new(shared.side, server_name.as_deref())) {
        Ok(()) => ok,
        Err(reject) => {
            shared.lock().veto = Some(reject.alert);
            // SAFETY: the context is valid; setting its error is how the
            // verification result reaches libssl's alert choice.
            unsafe {
                openssl_sys::X509_STORE_CTX_set_error(ctx, crate::errors::verify_error_for(reject.alert))
            };
            0
        }
    }
}

/// The peer's chain as it presented it: the leaf, then the untrusted
/// certificates (DER).
///
/// # Safety
/// `ctx` is a store context libssl set up for a verification.
#[doc(alias = "X509_STORE_CTX_get0_cert")]
#[doc(alias = "X509_STORE_CTX_get0_untrusted")]
unsafe fn presented_chain(ctx: *mut X509_STORE_CTX) -> Vec<Vec<u8>> {
    let mut ders = Vec::new();
    // SAFETY: `ctx` is valid (the caller's contract); the leaf it returns
    // (possibly null) is owned by the context.
    let leaf = unsafe { X509_STORE_CTX_get0_cert(ctx) };
    if !leaf.is_null() {
        // SAFETY: a non-null X509 owned by the context, only read here.
        ders.extend(unsafe { X509Ref::from_ptr(leaf) }.to_der().ok());
    }
    // SAFETY: as above; the stack (possibly null) is owned by the context.
    let untrusted = unsafe { X509_STORE_CTX_get0_untrusted(ctx) };
    if !untrusted.is_null() {
        // SAFETY: a non-null STACK_OF(X509) owned by the context.
        let stack: &StackRef<openssl::x509::X509> = unsafe { StackRef::from_ptr(untrusted) };
        ders.extend(stack.iter().filter_map(|c: &X509Ref| c.to_der().ok()));
    }
    ders
}

/// The negotiated key-exchange group, as an OpenSSL NID.
#[doc(alias = "SSL_get_negotiated_group")]
pub(crate) fn negotiated_group_nid(ssl: &SslRef) -> c_int {
    // SAFETY: SSL_ctrl with this command only reads the SSL's state.
    let nid: c_long = unsafe {
        openssl_sys::SSL_ctrl(ssl.as_ptr(), SSL_CTRL_GET_NEGOTIATED_GROUP, 0, std::ptr::null_mut())
    };
    c_int::try_from(nid).unwrap_or(0)
}
