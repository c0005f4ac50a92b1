//! Verifiers that run rustls's own webpki checks and then the seed's
//! verify callback.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use wiretls_core::engine::VerifyHook;
use wiretls_core::{AlertDescription, Side, VerifyContext};

use crate::errors::error_for_alert;

/// Where a verifier leaves the alert of a veto, for the session to report
/// [`wiretls_core::Error::Rejected`].
#[derive(Debug, Default)]
pub(crate) struct Veto(Mutex<Option<AlertDescription>>);

impl Veto {
    fn set(&self, alert: AlertDescription) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(alert);
    }

    /// The veto's alert, if the callback vetoed.
    pub(crate) fn alert(&self) -> Option<AlertDescription> {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The per-connection parts of verification and client-certificate
/// choice. rustls keeps verifiers and resolvers in configs shared by every
/// connection (and refuses to resume a session under a different verifier),
/// so the shared objects find the connection's own parts here: a session
/// enters its scope around each call into rustls, on the calling thread,
/// which is where rustls calls verifiers and resolvers.
#[derive(Debug, Default)]
pub(crate) struct PerConnection {
    pub(crate) verify: Option<Arc<VerifyHook>>,
    pub(crate) veto: Veto,
    /// wiretls's verification policy refused the peer's chain.
    pub(crate) refused: Mutex<Option<wiretls_core::PolicyViolation>>,
    /// The SNI name a server got (for the server's verify context).
    pub(crate) server_name: Option<String>,
    pub(crate) resolver: Option<crate::client::StoreResolver>,
    /// The server session-cache keys this connection used or issued.
    pub(crate) session_keys: Mutex<Vec<Vec<u8>>>,
}

thread_local! {
    static CURRENT: std::cell::RefCell<Option<Arc<PerConnection>>> = const { std::cell::RefCell::new(None) };
}

impl PerConnection {
    /// The policy's refusal of the peer's chain, once.
    pub(crate) fn take_refusal(&self) -> Option<wiretls_core::PolicyViolation> {
        self.refused.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

/// While alive, `hooks` are the current connection's. Scopes nest: a
/// callback of one connection may drive another connection on the same
/// thread (the verify callback, a certificate store), whose scope ends by
/// restoring the outer connection's, so the outer connection's later
/// verifier and resolver calls still find its own hooks.
pub(crate) struct Scope {
    previous: Option<Arc<PerConnection>>,
}

impl Scope {
    pub(crate) fn enter(hooks: &Arc<PerConnection>) -> Self {
        let previous = CURRENT.with(|c| c.replace(Some(Arc::clone(hooks))));
        Self { previous }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// The current connection's hooks, if a session entered its scope.
pub(crate) fn current() -> Option<Arc<PerConnection>> {
    CURRENT.with(|c| c.borrow().clone())
}

fn run_hook(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    side: Side,
    server_name: Option<&str>,
) -> Result<(), rustls::Error> {
    // Every session enters its scope around each call into rustls, so no
    // hooks here means the verifier runs outside any connection's call:
    // fail closed rather than skip a verify callback.
    let Some(hooks) = current() else {
        return Err(rustls::Error::General("no connection scope around certificate verification".into()));
    };
    let Some(hook) = &hooks.verify else { return Ok(()) };
    let chain: Vec<&[u8]> =
        std::iter::once(end_entity.as_ref()).chain(intermediates.iter().map(AsRef::as_ref)).collect();
    let name = match side {
        Side::Client => server_name,
        Side::Server => hooks.server_name.as_deref(),
    };
    hook.run(&chain, &VerifyContext::new(side, name)).map_err(|reject| {
        hooks.veto.set(reject.alert);
        error_for_alert(reject.alert)
    })
}

/// wiretls's verification policy ([`wiretls_core::policy`]), before
/// webpki's own checks, so each rule is reported as on every engine; the
/// error rustls gets sends the rule's alert (`bad_certificate`, or
/// `certificate_expired` for an expired anchor).
fn policy(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    trust: &wiretls_core::TrustStore,
    server_name: Option<&str>,
) -> Result<(), rustls::Error> {
    let presented: Vec<&[u8]> =
        std::iter::once(end_entity).chain(intermediates).map(|der| der.as_ref()).collect();
    wiretls_core::engine::policy::check_presented(&presented, trust, server_name).map_err(|violation| {
        let error = match violation.rule.alert() {
            AlertDescription::CERTIFICATE_EXPIRED => rustls::CertificateError::Expired,
            AlertDescription::UNSUPPORTED_CERTIFICATE => rustls::CertificateError::InvalidPurpose,
            _ => rustls::CertificateError::BadEncoding,
        };
        if let Some(hooks) = current() {
            *hooks.refused.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(violation);
        }
        rustls::Error::InvalidCertificate(error)
    })
}

/// A client's server verifier: webpki first, then the connection's hook.
#[derive(Debug)]
pub(crate) struct HookedServerVerifier {
    pub(crate) inner: Arc<WebPkiServerVerifier>,
    /// The trust anchors, for wiretls's verification policy.
    pub(crate) trust: wiretls_core::TrustStore,
}

impl ServerCertVerifier for HookedServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        policy(end_entity, intermediates, &self.trust, Some(&server_name.to_str()))?;
        let verified =
            self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)?;
        run_hook(end_entity, intermediates, Side::Client, Some(&server_name.to_str()))?;
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A server's client verifier: webpki first, then the connection's hook.
#[derive(Debug)]
pub(crate) struct HookedClientVerifier {
    pub(crate) inner: Arc<dyn ClientCertVerifier>,
    /// The trust anchors, for wiretls's verification policy.
    pub(crate) trust: wiretls_core::TrustStore,
}

impl ClientCertVerifier for HookedClientVerifier {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        policy(end_entity, intermediates, &self.trust, None)?;
        let verified = self.inner.verify_client_cert(end_entity, intermediates, now)?;
        run_hook(end_entity, intermediates, Side::Server, None)?;
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A rustls root store from a wiretls trust store.
pub(crate) fn root_store(
    trust: &wiretls_core::TrustStore,
) -> Result<rustls::RootCertStore, wiretls_core::Error> {
    let mut roots = rustls::RootCertStore::empty();
    let (_, unusable) = roots.add_parsable_certificates(trust.certificates().iter().map(|c| c.der().clone()));
    if roots.is_empty() {
        return Err(wiretls_core::Error::Malformed {
            what: wiretls_core::Malformed::Certificate,
            detail: format!("none of the {unusable} trust anchors is usable"),
        });
    }
    Ok(roots)
}
