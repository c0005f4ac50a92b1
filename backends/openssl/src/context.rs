//! The OpenSSL contexts a configuration prepares once: one `SSL_CTX` per
//! `ClientTls` / `ServerTls`, shared by its connections.

use std::sync::Arc;

use foreign_types_shared::ForeignTypeRef;
use openssl::dh::Dh;
use openssl::ssl::{
    AlpnError, SslContext, SslContextBuilder, SslMethod, SslMode, SslOptions, SslSession,
    SslSessionCacheMode, SslVerifyMode, SslVersion,
};
use openssl::stack::Stack;
use openssl::x509::X509Name;
use wiretls_core::{
    CertificateChain, CipherSuite, ClientAuth, ClientTls, ConfigError, Error, Feature, NamedGroup,
    ProtocolVersion, ServerTls,
};

use crate::convert::{store, x509, ChainCache};
use crate::errors::{engine_error, ENGINE};
use crate::ffi;

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
}

/// The server's contexts with a chain set, one per chain a store answered
/// with. A connection switches to one (`SSL_set_SSL_CTX`, the usual way to
/// choose a certificate by SNI) rather than having the chain put on it,
/// which would check the key against the leaf again in every handshake.
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

/// Client sessions by server name.
pub(crate) type SessionCache = wiretls_core::engine::cache::SessionCache<SslSession>;

/// The OpenSSL name of a group.
fn group_name(group: NamedGroup) -> Result<&'static str, Error> {
    match group.openssl_name() {
        Some(name) if crate::caps::CAPABILITIES.groups.contains(&group) => Ok(name),
        _ => Err(Error::Unsupported { engine: ENGINE, feature: Feature::Group(group) }),
    }
}

/// Versions, suites and groups, common to both sides.
fn protocol(
    builder: &mut SslContextBuilder,
    suites: &[CipherSuite],
    enabled: &[ProtocolVersion],
    groups: Option<&[NamedGroup]>,
) -> Result<(), Error> {
    let names = |v: ProtocolVersion| -> Vec<&'static str> {
        suites.iter().filter(|s| s.version() == v).map(|s| s.info().openssl_name).collect()
    };
    let tls12 = names(ProtocolVersion::Tls12);
    let tls13 = names(ProtocolVersion::Tls13);
    let ssl_version = |v: ProtocolVersion| match v {
        ProtocolVersion::Tls12 => SslVersion::TLS1_2,
        ProtocolVersion::Tls13 => SslVersion::TLS1_3,
    };
    let (Some(min), Some(max)) = (enabled.first(), enabled.last()) else {
        return Err(ConfigError::NoUsableCipherSuites.into());
    };
    builder.set_min_proto_version(Some(ssl_version(*min))).map_err(|e| engine_error(&e))?;
    builder.set_max_proto_version(Some(ssl_version(*max))).map_err(|e| engine_error(&e))?;
    if !tls12.is_empty() {
        builder.set_cipher_list(&tls12.join(":")).map_err(|e| engine_error(&e))?;
    }
    builder.set_ciphersuites(&tls13.join(":")).map_err(|e| engine_error(&e))?;
    if let Some(groups) = groups {
        let names = groups.iter().map(|g| group_name(*g)).collect::<Result<Vec<_>, _>>()?;
        builder.set_groups_list(&names.join(":")).map_err(|e| engine_error(&e))?;
    }
    // No renegotiation, no compression: TLS 1.2 and 1.3 as wiretls uses them.
    builder.set_options(SslOptions::NO_RENEGOTIATION | SslOptions::NO_COMPRESSION);
    // An idle connection gives its 16 KiB read and write buffers back
    // (issue 11: about 34 KB of the 61 KB an idle OpenSSL client holds);
    // the next record allocates them again (docs/benchmarks.md measures it).
    builder.set_mode(SslMode::RELEASE_BUFFERS);
    Ok(())
}

pub(crate) fn client(tls: &ClientTls) -> Result<ClientContext, Error> {
    let mut builder = SslContextBuilder::new(SslMethod::tls_client()).map_err(|e| engine_error(&e))?;
    let suites: Vec<CipherSuite> = tls.usable_cipher_suites().collect();
    protocol(&mut builder, &suites, &tls.offered_versions(), tls.groups())?;
    builder.set_cert_store(store(&tls.trust_root()?)?);
    builder.set_verify(SslVerifyMode::PEER);
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
                ffi::guard(ssl.as_ptr(), "new-session", (), || {
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
    let chains = ServerChains::new(tls);
    Ok(ServerContext { ctx: server_builder(tls)?.build(), chains: Arc::new(chains) })
}

/// A server context without a chain: the one a connection starts on (its
/// certificate callback asks the store), and each chain's, made alike.
fn server_builder(tls: &ServerTls) -> Result<SslContextBuilder, Error> {
    let mut builder = SslContextBuilder::new(SslMethod::tls_server()).map_err(|e| engine_error(&e))?;
    let suites: Vec<CipherSuite> = tls.usable_cipher_suites().collect();
    protocol(&mut builder, &suites, &tls.offered_versions(), tls.groups())?;
    if let Some(params) = tls.dh_params() {
        let dh = Dh::params_from_der(params.der()).map_err(|e| engine_error(&e))?;
        builder.set_tmp_dh(&dh).map_err(|e| engine_error(&e))?;
    }
    // The configured order is the server's preference, as on every engine.
    // Stateful sessions (no tickets) so that OpenSSL's removal of a session
    // after a fatal alert really ends it.
    builder.set_options(SslOptions::CIPHER_SERVER_PREFERENCE | SslOptions::NO_TICKET);
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
                    let name: X509Name =
                        x509(cert)?.subject_name().to_owned().map_err(|e| engine_error(&e))?;
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
    if !tls.alpn_protocols().is_empty() {
        let ours = tls.alpn_protocols().to_vec();
        builder.set_alpn_select_callback(move |ssl, client| {
            ffi::guard(ssl.as_ptr(), "ALPN", Err(AlpnError::ALERT_FATAL), || {
                wiretls_core::engine::alpn::choose(&ours, client).ok_or(AlpnError::ALERT_FATAL)
            })
        });
    }
    ffi::install_callbacks(&mut builder, true);
    Ok(builder)
}
