//! Checking a chain outside a handshake, with OpenSSL's verifier.

use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::{X509CheckFlags, X509VerifyParam};
use openssl::x509::{X509PurposeId, X509StoreContext};
use wiretls_core::{ChainCheck, Error, PeerName, Side};

use crate::convert::x509;
use crate::errors::{chain_problem, engine_error};

#[doc(alias = "X509_verify_cert")]
pub(crate) fn check_chain(check: &ChainCheck<'_>) -> Result<(), Error> {
    let Some((leaf, rest)) = check.chain.split_first() else {
        return Err(Error::NoLeafCertificate { count: 0, example: None });
    };
    let mut param = X509VerifyParam::new().map_err(|e| engine_error(&e))?;
    match check.peer_name {
        Some(PeerName::Dns(name)) => param.set_host(name).map_err(|e| engine_error(&e))?,
        Some(PeerName::Ip(ip)) => param.set_ip(ip).map_err(|e| engine_error(&e))?,
        Some(_) => {
            return Err(Error::Unsupported {
                engine: crate::errors::ENGINE,
                feature: wiretls_core::Feature::NewerSetting("this kind of peer name"),
            })
        }
        None => {}
    }
    param.set_hostflags(X509CheckFlags::NO_PARTIAL_WILDCARDS | X509CheckFlags::NEVER_CHECK_SUBJECT);
    if let Some(at) = check.at {
        let secs = at.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        param.set_time(libc::time_t::try_from(secs).unwrap_or(libc::time_t::MAX));
    }
    let purpose = match check.presented_by {
        Side::Server => X509PurposeId::SSL_SERVER,
        Side::Client => X509PurposeId::SSL_CLIENT,
    };
    param.set_purpose(purpose).map_err(|e| engine_error(&e))?;
    let mut builder = X509StoreBuilder::new().map_err(|e| engine_error(&e))?;
    for cert in check.trust.certificates() {
        builder.add_cert(x509(cert)?).map_err(|e| engine_error(&e))?;
    }
    builder.set_param(&param).map_err(|e| engine_error(&e))?;
    let store = builder.build();
    let mut untrusted = Stack::new().map_err(|e| engine_error(&e))?;
    for cert in rest {
        untrusted.push(x509(cert)?).map_err(|e| engine_error(&e))?;
    }
    let leaf = x509(leaf)?;
    let mut context = X509StoreContext::new().map_err(|e| engine_error(&e))?;
    let outcome = context
        .init(&store, &leaf, &untrusted, |ctx| {
            Ok(ctx.verify_cert()?.then_some(()).ok_or(ctx.error().as_raw()))
        })
        .map_err(|e| engine_error(&e))?;
    outcome.map_err(chain_problem)
}
