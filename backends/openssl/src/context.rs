//! The OpenSSL contexts a configuration prepares once: one `SSL_CTX` per
//! `ClientTls` / `ServerTls`, shared by its connections.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use openssl::dh::Dh;
use openssl::ssl::{
    AlpnError, SslContext, SslContextBuilder, SslMethod, SslOptions, SslSession, SslSessionCacheMode,
    SslVerifyMode, SslVersion,
};
use openssl::stack::Stack;
use openssl::x509::X509Name;
use wiretls_core::{
    CipherSuite, ClientAuth, ClientTls, ConfigError, Error, Feature, NamedGroup, ProtocolVersion, ServerTls,
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
    pub(crate) chains: Arc<ChainCache>,
}

/// Client sessions by server name (the latest per name), forgotten after a
/// fatal alert.
#[derive(Default)]
pub(crate) struct SessionCache(Mutex<HashMap<String, SslSession>>);

impl SessionCache {
    pub(crate) fn get(&self, name: &str) -> Option<SslSession> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(name).cloned()
    }

    fn put(&self, name: String, session: SslSession) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(name, session);
    }

    pub(crate) fn forget(&self, name: &str) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(name);
    }
}

/// The OpenSSL name of a group.
fn group_name(group: NamedGroup) -> Result<&'static str, Error> {
    Ok(match group {
        NamedGroup::X25519 => "X25519",
        NamedGroup::X448 => "X448",
        NamedGroup::SECP256R1 => "P-256",
        NamedGroup::SECP384R1 => "P-384",
        NamedGroup::SECP521R1 => "P-521",
        NamedGroup::FFDHE2048 => "ffdhe2048",
        NamedGroup::FFDHE3072 => "ffdhe3072",
        NamedGroup::FFDHE4096 => "ffdhe4096",
        other => return Err(Error::Unsupported { engine: ENGINE, feature: Feature::Group(other) }),
    })
}

/// Versions, suites and groups, common to both sides.
fn protocol(
    builder: &mut SslContextBuilder,
    suites: &[CipherSuite],
    versions: &[ProtocolVersion],
    groups: Option<&[NamedGroup]>,
) -> Result<(), Error> {
    let names = |v: ProtocolVersion| -> Vec<&'static str> {
        suites.iter().filter(|s| s.version() == v).map(|s| s.info().openssl_name).collect()
    };
    let tls12 = names(ProtocolVersion::Tls12);
    let tls13 = names(ProtocolVersion::Tls13);
    // A version without suites is not offered.
    let enabled: Vec<ProtocolVersion> = versions
        .iter()
        .copied()
        .filter(|v| !match v {
            ProtocolVersion::Tls12 => tls12.is_empty(),
            ProtocolVersion::Tls13 => tls13.is_empty(),
        })
        .collect();
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
    Ok(())
}

/// ALPN protocols in wire format.
fn alpn_wire(protocols: &[Vec<u8>]) -> Vec<u8> {
    let mut wire = Vec::new();
    for p in protocols {
        // Invariant: ClientTls/ServerTls refuse empty and over-long names.
        wire.push(u8::try_from(p.len()).unwrap_or(u8::MAX));
        wire.extend_from_slice(p);
    }
    wire
}

pub(crate) fn client(tls: &ClientTls) -> Result<ClientContext, Error> {
    let mut builder = SslContextBuilder::new(SslMethod::tls_client()).map_err(|e| engine_error(&e))?;
    let suites: Vec<CipherSuite> = tls.usable_cipher_suites().collect();
    protocol(&mut builder, &suites, tls.versions(), tls.groups())?;
    builder.set_cert_store(store(&tls.trust_root()?)?);
    builder.set_verify(SslVerifyMode::PEER);
    if !tls.alpn_protocols().is_empty() {
        builder.set_alpn_protos(&alpn_wire(tls.alpn_protocols())).map_err(|e| engine_error(&e))?;
    }
    let sessions = tls.resumption().then(|| Arc::new(SessionCache::default()));
    match &sessions {
        Some(cache) => {
            builder.set_session_cache_mode(SslSessionCacheMode::CLIENT | SslSessionCacheMode::NO_INTERNAL);
            let cache = cache.clone();
            builder.set_new_session_callback(move |ssl, session| {
                if let Some(name) = crate::session::cache_key(ssl) {
                    cache.put(name, session);
                }
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
    let mut builder = SslContextBuilder::new(SslMethod::tls_server()).map_err(|e| engine_error(&e))?;
    let suites: Vec<CipherSuite> = tls.usable_cipher_suites().collect();
    protocol(&mut builder, &suites, tls.versions(), tls.groups())?;
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
    }
    if !tls.alpn_protocols().is_empty() {
        let ours = tls.alpn_protocols().to_vec();
        builder.set_alpn_select_callback(move |_ssl, client| {
            // The server's preference: our first protocol the client offers.
            ours.iter()
                .find_map(|p| alpn_entries(client).find(|c| c == &p.as_slice()))
                .ok_or(AlpnError::ALERT_FATAL)
        });
    }
    ffi::install_callbacks(&mut builder, true);
    Ok(ServerContext { ctx: builder.build(), chains: Arc::default() })
}

/// The entries of an ALPN list in wire format.
fn alpn_entries(mut wire: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        let (&len, rest) = wire.split_first()?;
        let len = usize::from(len);
        if rest.len() < len {
            return None;
        }
        let (entry, rest) = rest.split_at(len);
        wire = rest;
        Some(entry)
    })
}
