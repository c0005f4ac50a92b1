//! The BoringSSL contexts a configuration prepares once: one `SSL_CTX` per
//! `ClientTls` / `ServerTls`, shared by its connections.

use std::sync::Arc;

use boring::ssl::{
    AlpnError, ClientHello, NameType, SelectCertError, SslContext, SslContextBuilder, SslMethod, SslOptions,
    SslSession, SslSessionCacheMode, SslSignatureAlgorithm, SslVerifyMode, SslVersion,
};
use boring::stack::Stack;
use boring::x509::{X509Name, X509StoreContext, X509StoreContextRef};
use wiretls_core::engine::StoreAnswer;
use wiretls_core::{
    CertificateChain, CipherSuite, ClientAuth, ClientTls, ConfigError, Error, Feature, NamedGroup,
    ProtocolVersion, ServerTls, VerifyContext,
};

use crate::convert::{store, ChainCache};
use crate::errors::{engine_error, verify_error_for, ENGINE};
use crate::ffi;

/// Client sessions by server name.
pub(crate) type SessionCache = wiretls_core::engine::cache::SessionCache<SslSession>;

/// A client configuration, prepared.
pub(crate) struct ClientContext {
    pub(crate) ctx: SslContext,
    pub(crate) sessions: Option<Arc<SessionCache>>,
    pub(crate) chains: Arc<ChainCache>,
}

/// A server configuration, prepared.
pub(crate) struct ServerContext {
    pub(crate) ctx: SslContext,
    pub(crate) chains: Arc<ServerChains>,
    /// The ticket key and revoked tickets of this configuration.
    pub(crate) tickets: Arc<crate::tickets::Tickets>,
}

/// The server's contexts with a chain set, one per chain a store answered
/// with. A connection switches to one (`SSL_set_SSL_CTX`, BoringSSL's way of
/// choosing a certificate by SNI) rather than having the chain put on it,
/// which would re-encode the certificates and check the key against the
/// leaf again in every handshake, and keep a copy per connection.
pub(crate) type ServerChains = wiretls_core::engine::cache::ServerChainCache<SslContext>;

/// The server context presenting `chain` (see [`ServerChains`]).
pub(crate) fn with_chain(tls: &ServerTls, chain: &CertificateChain) -> Result<SslContext, Error> {
    let loaded = crate::convert::load(chain)?;
    let mut builder = server_builder(tls)?;
    builder.set_certificate(&loaded.leaf).map_err(|e| engine_error(&e))?;
    builder.set_private_key(&loaded.key).map_err(|e| engine_error(&e))?;
    for cert in &loaded.intermediates {
        builder.add_extra_chain_cert(cert.clone()).map_err(|e| engine_error(&e))?;
    }
    Ok(builder.build())
}

/// The signature algorithms a peer's handshake signatures may use: BoringSSL's
/// defaults plus Ed25519, which it leaves out unless asked.
const VERIFY_ALGORITHMS: &[SslSignatureAlgorithm] = &[
    SslSignatureAlgorithm::ECDSA_SECP256R1_SHA256,
    SslSignatureAlgorithm::RSA_PSS_RSAE_SHA256,
    SslSignatureAlgorithm::RSA_PKCS1_SHA256,
    SslSignatureAlgorithm::ECDSA_SECP384R1_SHA384,
    SslSignatureAlgorithm::RSA_PSS_RSAE_SHA384,
    SslSignatureAlgorithm::RSA_PKCS1_SHA384,
    SslSignatureAlgorithm::RSA_PSS_RSAE_SHA512,
    SslSignatureAlgorithm::RSA_PKCS1_SHA512,
    SslSignatureAlgorithm::ED25519,
];

fn unsupported(feature: Feature) -> Error {
    Error::Unsupported { engine: ENGINE, feature }
}

/// Versions, suites and groups, common to both sides.
fn protocol(
    builder: &mut SslContextBuilder,
    suites: &[CipherSuite],
    enabled: &[ProtocolVersion],
    groups: Option<&[NamedGroup]>,
) -> Result<(), Error> {
    let caps = &crate::caps::CAPABILITIES;
    if let Some(s) = suites.iter().find(|s| !caps.offers_suite(**s)) {
        return Err(unsupported(Feature::CipherSuite(*s)));
    }
    // BoringSSL always offers its three TLS 1.3 suites, in its own order.
    if enabled.contains(&ProtocolVersion::Tls13) {
        let tls13 = suites.iter().filter(|s| s.version() == ProtocolVersion::Tls13).count();
        let all = caps.cipher_suites.iter().filter(|s| s.version() == ProtocolVersion::Tls13).count();
        if tls13 != all {
            return Err(unsupported(Feature::Tls13SuiteSelection));
        }
    }
    let ssl_version = |v: ProtocolVersion| match v {
        ProtocolVersion::Tls12 => SslVersion::TLS1_2,
        ProtocolVersion::Tls13 => SslVersion::TLS1_3,
    };
    let (Some(min), Some(max)) = (enabled.first(), enabled.last()) else {
        return Err(ConfigError::NoUsableCipherSuites.into());
    };
    builder.set_min_proto_version(Some(ssl_version(*min))).map_err(|e| engine_error(&e))?;
    builder.set_max_proto_version(Some(ssl_version(*max))).map_err(|e| engine_error(&e))?;
    let tls12: Vec<&str> = suites
        .iter()
        .filter(|s| s.version() == ProtocolVersion::Tls12)
        .map(|s| s.info().openssl_name)
        .collect();
    if !tls12.is_empty() {
        builder.set_cipher_list(&tls12.join(":")).map_err(|e| engine_error(&e))?;
    }
    // BoringSSL verifies Ed25519 signatures only when asked to.
    builder.set_verify_algorithm_prefs(VERIFY_ALGORITHMS).map_err(|e| engine_error(&e))?;
    if let Some(groups) = groups {
        let names = groups
            .iter()
            .map(|g| match g.openssl_name() {
                Some(name) if caps.groups.contains(g) => Ok(name),
                _ => Err(unsupported(Feature::Group(*g))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        builder.set_curves_list(&names.join(":")).map_err(|e| engine_error(&e))?;
    }
    Ok(())
}

/// The certificate-verify callback: BoringSSL's own verification first,
/// then the application's verify callback with the verified chain.
fn verify(ctx: &mut X509StoreContextRef) -> bool {
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

pub(crate) fn client(tls: &ClientTls) -> Result<ClientContext, Error> {
    let mut builder = SslContextBuilder::new(SslMethod::tls()).map_err(|e| engine_error(&e))?;
    let suites: Vec<CipherSuite> = tls.usable_cipher_suites().collect();
    protocol(&mut builder, &suites, &tls.offered_versions(), tls.groups())?;
    builder.set_cert_store(store(&tls.trust_root()?)?);
    builder.set_verify(SslVerifyMode::PEER);
    builder.set_cert_verify_callback(verify);
    if !tls.alpn_protocols().is_empty() {
        builder
            .set_alpn_protos(&wiretls_core::engine::alpn::to_wire(tls.alpn_protocols()))
            .map_err(|e| engine_error(&e))?;
    }
    let sessions = tls.resumption().then(|| Arc::new(SessionCache::default()));
    match &sessions {
        Some(cache) => {
            builder.set_session_cache_mode(SslSessionCacheMode::CLIENT | SslSessionCacheMode::NO_INTERNAL);
            let cache = Arc::clone(cache);
            builder.set_new_session_callback(move |ssl, session| {
                ffi::guard(ffi::ptr_of(ssl), "new-session", (), || {
                    if let Some(name) = crate::session::cache_key(ssl) {
                        cache.put(name, session);
                    }
                });
            });
        }
        None => {
            builder.set_session_cache_mode(SslSessionCacheMode::OFF);
        }
    }
    ffi::install_callbacks(&mut builder, tls.client_certificate_store().is_some());
    Ok(ClientContext { ctx: builder.build(), sessions, chains: Arc::default() })
}

pub(crate) fn server(tls: &ServerTls) -> Result<ServerContext, Error> {
    let mut builder = server_builder(tls)?;
    builder.set_select_certificate_callback(|hello| {
        let ssl = ffi::ptr_of(hello.ssl());
        // RETRY suspends the handshake; the session then reports the failure.
        ffi::guard(ssl, "select-certificate", Err(SelectCertError::RETRY), || select_certificate(hello))
    });
    ffi::install_ticket_sealing(&mut builder);
    let tickets = crate::tickets::Tickets::new().map_err(|e| engine_error(&e))?;
    let chains = ServerChains::new(tls);
    Ok(ServerContext { ctx: builder.build(), chains: Arc::new(chains), tickets: Arc::new(tickets) })
}

/// The select-certificate callback: ask the store with the SNI name;
/// suspend (RETRY) until it answered.
fn select_certificate(mut hello: ClientHello<'_>) -> Result<(), SelectCertError> {
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

/// Everything of a server context but the choice of a chain: the base
/// context, which asks the store, and each chain's context are made alike.
fn server_builder(tls: &ServerTls) -> Result<SslContextBuilder, Error> {
    if tls.dh_params().is_some() {
        return Err(unsupported(Feature::DhParams));
    }
    let mut builder = SslContextBuilder::new(SslMethod::tls()).map_err(|e| engine_error(&e))?;
    let suites: Vec<CipherSuite> = tls.usable_cipher_suites().collect();
    protocol(&mut builder, &suites, &tls.offered_versions(), tls.groups())?;
    // The configured order is the server's preference. Sessions resume from
    // tickets (BoringSSL resumes TLS 1.3 only from tickets), sealed by
    // wiretls so that a failed connection can revoke them (`tickets`); a
    // session-id session is removed after a fatal alert
    // (`ffi::remove_session`).
    builder.set_options(SslOptions::CIPHER_SERVER_PREFERENCE);
    builder.set_session_id_context(b"wiretls").map_err(|e| engine_error(&e))?;
    match tls.client_auth() {
        ClientAuth::None => builder.set_verify(SslVerifyMode::NONE),
        ClientAuth::Optional(trust) | ClientAuth::Required(trust) => {
            builder.set_cert_store(store(trust)?);
            let mut mode = SslVerifyMode::PEER;
            if matches!(tls.client_auth(), ClientAuth::Required(_)) {
                mode |= SslVerifyMode::FAIL_IF_NO_PEER_CERT;
            }
            builder.set_verify(mode);
            let mut names = Stack::new().map_err(|e| engine_error(&e))?;
            if tls.client_ca_names() {
                for cert in trust.certificates() {
                    let name = X509Name::from_der(cert.subject().der()).map_err(|e| engine_error(&e))?;
                    names.push(name).map_err(|e| engine_error(&e))?;
                }
            }
            builder.set_client_ca_list(names);
        }
        _ => {
            return Err(Error::Unsupported {
                engine: ENGINE,
                feature: Feature::NewerSetting("this client authentication mode"),
            })
        }
    }
    builder.set_cert_verify_callback(verify);
    if !tls.alpn_protocols().is_empty() {
        let ours = tls.alpn_protocols().to_vec();
        builder.set_alpn_select_callback(move |ssl, client| {
            ffi::guard(ffi::ptr_of(ssl), "ALPN", Err(AlpnError::ALERT_FATAL), || {
                wiretls_core::engine::alpn::choose(&ours, client).ok_or(AlpnError::ALERT_FATAL)
            })
        });
    }
    ffi::install_callbacks(&mut builder, false);
    Ok(builder)
}
