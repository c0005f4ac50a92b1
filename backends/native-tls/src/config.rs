//! wiretls's configurations as native-tls builders, and the refusals of
//! what native-tls cannot say (each before any byte moves).

use std::sync::Arc;

use native_tls::{Identity, Protocol, TlsAcceptor, TlsConnector};
use wiretls_core::engine::{ChainRequest, SessionContext, StoreRef};
use wiretls_core::{CertificateChain, ClientAuth, ClientTls, Error, Feature, ProtocolVersion, ServerTls};

use crate::caps::CAPABILITIES;
use crate::errors::engine_error;

fn unsupported(feature: Feature) -> Error {
    CAPABILITIES.unsupported(feature)
}

/// The refusals both sides share: suites and groups chosen, a verify
/// callback, ALPN names that are not text (native-tls takes `&str`).
fn refuse_common(
    suites_chosen: bool,
    groups: Option<&[wiretls_core::NamedGroup]>,
    alpn: &[Vec<u8>],
    context: &SessionContext,
) -> Result<(), Error> {
    if suites_chosen {
        return Err(unsupported(Feature::CipherSuiteSelection));
    }
    if groups.is_some() {
        return Err(unsupported(Feature::GroupSelection));
    }
    if context.verify.is_some() {
        return Err(unsupported(Feature::VerifyCallback));
    }
    if alpn.iter().any(|p| std::str::from_utf8(p).is_err()) {
        return Err(unsupported(Feature::Alpn));
    }
    Ok(())
}

/// The lowest and highest enabled versions (native-tls takes a range).
fn range(versions: &[ProtocolVersion]) -> (Option<Protocol>, Option<Protocol>) {
    let protocol = |v: &ProtocolVersion| match v {
        ProtocolVersion::Tls12 => Protocol::Tlsv12,
        _ => Protocol::Tlsv13,
    };
    (versions.first().map(protocol), versions.last().map(protocol))
}

fn alpn_names(alpn: &[Vec<u8>]) -> Vec<&str> {
    // Checked by `refuse_common`: every name is UTF-8.
    alpn.iter().filter_map(|p| std::str::from_utf8(p).ok()).collect()
}

/// A chain and its key as native-tls's identity: the certificates in PEM,
/// the key as PKCS#8 PEM (what `Identity::from_pkcs8` takes).
#[doc(alias = "Identity::from_pkcs8")]
pub(crate) fn identity(chain: &CertificateChain) -> Result<Identity, Error> {
    let certificates: Vec<pem::Pem> =
        chain.certificates().iter().map(|c| pem::Pem::new("CERTIFICATE", c.der().to_vec())).collect();
    let key = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8(chain.private_key())?));
    Identity::from_pkcs8(pem::encode_many(&certificates).as_bytes(), key.as_bytes())
        .map_err(|e| engine_error(&e))
}

/// The key as PKCS#8 v1 DER (the only form native-tls reads): a PKCS#8 key
/// as it is (v2 made v1), a PKCS#1 or SEC1 key converted.
fn pkcs8(key: &wiretls_core::PrivateKey) -> Result<Vec<u8>, Error> {
    use rustls_pki_types::PrivateKeyDer;
    match key.der() {
        PrivateKeyDer::Pkcs8(_) => Ok(key.pkcs8_v1_der().unwrap_or_else(|| key.secret_der().to_vec())),
        _ => platform_pkcs8(key.secret_der()),
    }
}

/// A PKCS#1 or SEC1 key as PKCS#8, through the platform's OpenSSL.
#[cfg(not(any(target_os = "windows", target_vendor = "apple")))]
#[doc(alias = "i2d_PKCS8PrivateKey_bio")]
fn platform_pkcs8(der: &[u8]) -> Result<Vec<u8>, Error> {
    let key = openssl::pkey::PKey::private_key_from_der(der).map_err(|e| engine_error(&e))?;
    key.private_key_to_pkcs8().map_err(|e| engine_error(&e))
}

/// Elsewhere the key must come as PKCS#8.
#[cfg(any(target_os = "windows", target_vendor = "apple"))]
fn platform_pkcs8(_: &[u8]) -> Result<Vec<u8>, Error> {
    Err(engine_error(
        &"native-tls needs the private key as PKCS#8 here: convert it (openssl pkcs8 -topk8 -nocrypt)",
    ))
}

/// The connector of a configuration without a client certificate store,
/// kept in its prepared state.
struct PreparedConnector(TlsConnector);

fn connector(tls: &ClientTls, identity: Option<Identity>) -> Result<TlsConnector, Error> {
    let mut builder = TlsConnector::builder();
    let (min, max) = range(tls.versions());
    builder.min_protocol_version(min).max_protocol_version(max);
    if let Some(trust) = tls.custom_trust_root() {
        builder.disable_built_in_roots(true);
        for certificate in trust.certificates() {
            let root = native_tls::Certificate::from_der(certificate.der()).map_err(|e| engine_error(&e))?;
            builder.add_root_certificate(root);
        }
    }
    if !tls.alpn_protocols().is_empty() {
        builder.request_alpns(&alpn_names(tls.alpn_protocols()));
    }
    if let Some(identity) = identity {
        builder.identity(identity);
    }
    builder.build().map_err(|e| engine_error(&e))
}

/// The client's connector: the configuration's own, or one made for the
/// chain its certificate store gave.
///
/// native-tls takes the client's certificate when the connector is built,
/// and never shows the server's CertificateRequest: the store is asked for
/// its default chain now, and must answer before this returns.
pub(crate) fn client(tls: &ClientTls, context: &SessionContext) -> Result<TlsConnector, Error> {
    refuse_common(tls.cipher_suites_chosen(), tls.groups(), tls.alpn_protocols(), context)?;
    let Some(store) = tls.client_certificate_store() else {
        let prepared = tls.prepared().get_or_try_init(|| connector(tls, None).map(PreparedConnector))?;
        return Ok(prepared.0.clone());
    };
    let (request, callback) = ChainRequest::new(None, Arc::clone(&context.waker));
    StoreRef::Client(Some(Arc::clone(store))).ask(None, &[], callback)?;
    match request.take() {
        None => Err(unsupported(Feature::LaterClientCertificateAnswer)),
        Some(None) => connector(tls, None),
        Some(Some(chain)) => connector(tls, Some(identity(&chain)?)),
    }
}

/// The server's acceptor, kept in the configuration's prepared state.
struct PreparedAcceptor(TlsAcceptor);

/// The server's acceptor: one fixed chain, no client authentication, no
/// `dh_params`.
pub(crate) fn server(tls: &ServerTls, context: &SessionContext) -> Result<TlsAcceptor, Error> {
    refuse_common(tls.cipher_suites_chosen(), tls.groups(), tls.alpn_protocols(), context)?;
    if tls.dh_params().is_some() {
        return Err(unsupported(Feature::DhParams));
    }
    if !matches!(tls.client_auth(), ClientAuth::None) {
        return Err(unsupported(Feature::ClientAuth));
    }
    if let Some(v) = tls.versions().iter().find(|v| !CAPABILITIES.server_versions.contains(v)) {
        // Refused only when it is all that is enabled: a server with TLS 1.2
        // and 1.3 enabled negotiates TLS 1.2.
        if !tls.versions().iter().any(|v| CAPABILITIES.server_versions.contains(v)) {
            return Err(unsupported(Feature::ServerVersion(*v)));
        }
    }
    let Some(chain) = tls.certificates().fixed_chain() else {
        return Err(unsupported(Feature::ServerCertificateStore));
    };
    let prepared = tls.prepared().get_or_try_init(|| {
        let mut builder = TlsAcceptor::builder(identity(chain)?);
        let (min, max) = range(tls.versions());
        builder.min_protocol_version(min).max_protocol_version(max);
        if !tls.alpn_protocols().is_empty() {
            builder.accept_alpn(&alpn_names(tls.alpn_protocols()));
        }
        builder.build().map(PreparedAcceptor).map_err(|e| engine_error(&e))
    })?;
    Ok(prepared.0.clone())
}
