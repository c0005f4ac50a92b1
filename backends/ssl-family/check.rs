//! Checking a chain outside a handshake, with the library's verifier. One
//! source for the OpenSSL and BoringSSL engines (`backends/ssl-family`).

use wiretls_core::{ChainCheck, Error, PeerName};

use crate::convert::x509;
use crate::errors::{chain_problem, engine_error};
use crate::ssl_lib::stack::Stack;
use crate::ssl_lib::x509::store::X509StoreBuilder;
use crate::ssl_lib::x509::verify::{X509CheckFlags, X509VerifyParam};
use crate::ssl_lib::x509::X509StoreContext;

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
    crate::quirks::set_purpose(&mut param, check.presented_by)?;
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
            Ok(ctx.verify_cert()?.then_some(()).ok_or(crate::codes::store_error(ctx)))
        })
        .map_err(|e| engine_error(&e))?;
    outcome.map_err(chain_problem)
}
