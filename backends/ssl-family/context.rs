//! The contexts a configuration prepares once: one `SSL_CTX` per
//! `ClientTls` / `ServerTls`, shared by its connections. One source for the
//! OpenSSL and BoringSSL engines (`backends/ssl-family`); where the two
//! libraries differ, it calls the crate's `quirks`.

use std::sync::Arc;

use wiretls_core::{
    CertificateChain, CipherSuite, ClientAuth, ClientTls, ConfigError, Error, Feature, NamedGroup,
    ProtocolVersion, ServerTls,
};

use crate::convert::{store, ChainCache};
use crate::errors::{engine_error, ENGINE};
use crate::ffi;
use crate::quirks;
use crate::ssl_lib::ssl::{
    AlpnError, SslContext, SslContextBuilder, SslSession, SslSessionCacheMode, SslVerifyMode, SslVersion,
};
use crate::ssl_lib::stack::Stack;
use crate::ssl_lib::x509::X509Name;

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
    /// What the library keeps beside the context (`quirks::ServerExtra`).
    pub(crate) extra: quirks::ServerExtra,
}

/// The server's contexts with a chain set, one per chain a store answered
/// with. A connection switches to one (`SSL_set_SSL_CTX`, the usual way to
/// choose a certificate by SNI) rather than having the chain put on it,
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

/// Client sessions by server name.
pub(crate) type SessionCache = wiretls_core::engine::cache::SessionCache<SslSession>;

/// The library's name of a group.
fn group_name(group: NamedGroup) -> Result<&'static str, Error> {
    match group.openssl_name() {
        Some(name) if crate::caps::CAPABILITIES.groups.contains(&group) => Ok(name),
        _ => Err(Error::Unsupported { engine: ENGINE, feature: Feature::Group(group) }),
    }
}

/// The library's names of the suites of `version`.
pub(crate) fn suite_names(suites: &[CipherSuite], version: ProtocolVersion) -> Vec<&'static str> {
    suites.iter().filter(|s| s.version() == version).map(|s| s.info().openssl_name).collect()
}

/// Versions, suites and groups, common to both sides.
fn protocol(
    builder: &mut SslContextBuilder,
    suites: &[CipherSuite],
    enabled: &[ProtocolVersion],
    groups: Option<&[NamedGroup]>,
) -> Result<(), Error> {
    quirks::check_suites(suites, enabled)?;
    let tls12 = suite_names(suites, ProtocolVersion::Tls12);
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
    let groups = match groups {
        Some(groups) => Some(groups.iter().map(|g| group_name(*g)).collect::<Result<Vec<_>, _>>()?.join(":")),
        None => None,
    };
    quirks::protocol(builder, suites, groups.as_deref())
}

pub(crate) fn client(tls: &ClientTls) -> Result<ClientContext, Error> {
    let mut builder = SslContextBuilder::new(quirks::client_method()).map_err(|e| engine_error(&e))?;
    let suites: Vec<CipherSuite> = tls.usable_cipher_suites().collect();
    protocol(&mut builder, &suites, &tls.offered_versions(), tls.groups())?;
    builder.set_cert_store(store(&tls.trust_root()?)?);
    builder.set_verify(SslVerifyMode::PEER);
    quirks::verification(&mut builder);
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
    let extra = quirks::server(&mut builder)?;
    let chains = ServerChains::new(tls);
    Ok(ServerContext { ctx: builder.build(), chains: Arc::new(chains), extra })
}

/// Everything of a server context but the choice of a chain: the base
/// context, which asks the store, and each chain's context are made alike.
fn server_builder(tls: &ServerTls) -> Result<SslContextBuilder, Error> {
    let mut builder = SslContextBuilder::new(quirks::server_method()).map_err(|e| engine_error(&e))?;
    let suites: Vec<CipherSuite> = tls.usable_cipher_suites().collect();
    protocol(&mut builder, &suites, &tls.offered_versions(), tls.groups())?;
    quirks::server_options(&mut builder, tls)?;
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
    quirks::verification(&mut builder);
    if !tls.alpn_protocols().is_empty() {
        let ours = tls.alpn_protocols().to_vec();
        builder.set_alpn_select_callback(move |ssl, client| {
            ffi::guard(ffi::ptr_of(ssl), "ALPN", Err(AlpnError::ALERT_FATAL), || {
                wiretls_core::engine::alpn::choose(&ours, client).ok_or(AlpnError::ALERT_FATAL)
            })
        });
    }
    ffi::install_callbacks(&mut builder, quirks::SERVER_CERTIFICATE_CALLBACK);
    Ok(builder)
}
