//! BoringSSL's closure callbacks: the certificate verification (its own
//! first, then wiretls's policy and the application's verify callback) and
//! the server's certificate selection.

use boring::ssl::{ClientHello, NameType, SelectCertError};
use boring::x509::{X509StoreContext, X509StoreContextRef};
use wiretls_core::engine::StoreAnswer;
use wiretls_core::VerifyContext;

use crate::errors::verify_error_for;
use crate::ffi;

/// The certificate-verify callback: BoringSSL's own verification first,
/// then the application's verify callback with the verified chain.
pub(crate) fn verify(ctx: &mut X509StoreContextRef) -> bool {
    let ssl = X509StoreContext::ssl_idx()
        .ok()
        .and_then(|idx| ctx.ex_data(idx))
        .map_or(std::ptr::null(), ffi::ptr_of);
    // `false` fails the verification; the session reports the failure.
    ffi::guard(ssl, "certificate verification", false, || verify_body(ctx))
}

fn verify_body(ctx: &mut X509StoreContextRef) -> bool {
    // wiretls's verification policy first, on the chain as presented.
    let shared = X509StoreContext::ssl_idx().ok().and_then(|idx| ctx.ex_data(idx)).and_then(ffi::shared_of);
    if let Some(shared) = shared {
        let mut presented: Vec<Vec<u8>> = ctx.cert().and_then(|c| c.to_der().ok()).into_iter().collect();
        if let Some(untrusted) = ctx.untrusted() {
            presented.extend(untrusted.iter().filter_map(|c| c.to_der().ok()));
        }
        let refs: Vec<&[u8]> = presented.iter().map(Vec::as_slice).collect();
        if let Err(alert) = shared.check_policy(&refs) {
            ffi::set_verify_error(ctx, verify_error_for(alert));
            return false;
        }
    }
    if !matches!(ctx.verify_cert(), Ok(true)) {
        return false;
    }
    let Some(ssl) = X509StoreContext::ssl_idx().ok().and_then(|idx| ctx.ex_data(idx)) else { return true };
    let Some(shared) = ffi::shared_of(ssl) else { return true };
    let Some(hook) = shared.hook.clone() else { return true };
    let ders: Vec<Vec<u8>> =
        ctx.chain().map(|chain| chain.iter().filter_map(|c| c.to_der().ok()).collect()).unwrap_or_default();
    let refs: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
    let server_name = shared.server_name();
    match hook.run(&refs, &VerifyContext::new(shared.side, server_name.as_deref())) {
        Ok(()) => true,
        Err(reject) => {
            shared.lock().veto = Some(reject.alert);
            ffi::set_verify_error(ctx, verify_error_for(reject.alert));
            false
        }
    }
}

/// The select-certificate callback: ask the store with the SNI name;
/// suspend (RETRY) until it answered.
pub(crate) fn select_certificate(mut hello: ClientHello<'_>) -> Result<(), SelectCertError> {
    let name = hello.servername(NameType::HOST_NAME).map(str::to_owned);
    let ssl = hello.ssl_mut();
    let Some(shared) = ffi::shared_of(ssl) else { return Ok(()) };
    shared.set_server_name(name.clone());
    match shared.query.poll(name.as_deref(), &[]) {
        StoreAnswer::Pending => Err(SelectCertError::RETRY),
        StoreAnswer::Failed(e) => {
            shared.lock().failure = Some(e);
            Err(SelectCertError::RETRY)
        }
        StoreAnswer::NoChain => {
            // The session fails the handshake with wiretls's alert for
            // this: stop BoringSSL here, before it says anything.
            shared.lock().no_certificate = true;
            Err(SelectCertError::RETRY)
        }
        StoreAnswer::Chain(chain) => {
            if ffi::use_server_chain(ssl, &shared, &chain) {
                Ok(())
            } else {
                Err(SelectCertError::RETRY)
            }
        }
    }
}
