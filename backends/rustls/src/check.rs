//! Checking a chain outside a handshake, with rustls's own verifiers.

use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::WebPkiClientVerifier;
use wiretls_core::{ChainCheck, Engine, Error, Feature, PeerName, Side};

use crate::verify::root_store;
use crate::RustlsEngine;

pub(crate) fn check_chain(engine: &RustlsEngine, check: &ChainCheck<'_>) -> Result<(), Error> {
    let Some((leaf, rest)) = check.chain.split_first() else {
        return Err(Error::NoLeafCertificate { count: 0, example: None });
    };
    let intermediates: Vec<CertificateDer<'static>> = rest.iter().map(|c| c.der().clone()).collect();
    let roots = Arc::new(root_store(check.trust)?);
    let now = match check.at {
        Some(at) => UnixTime::since_unix_epoch(at.duration_since(std::time::UNIX_EPOCH).unwrap_or_default()),
        None => UnixTime::now(),
    };
    let engine_err =
        |e: &dyn std::fmt::Display| Error::Engine { engine: engine.name(), detail: e.to_string() };
    let result = match check.presented_by {
        Side::Server => {
            let name = match check.peer_name {
                Some(PeerName::Dns(name)) => {
                    ServerName::try_from(name.to_owned()).map_err(|e| engine_err(&e))?
                }
                Some(PeerName::Ip(ip)) => ServerName::IpAddress(ip.into()),
                Some(_) => {
                    return Err(engine
                        .capabilities()
                        .unsupported(Feature::NewerSetting("this kind of peer name")));
                }
                None => {
                    return Err(engine
                        .capabilities()
                        .unsupported(Feature::ChainCheckWithout("a server name")));
                }
            };
            let verifier = WebPkiServerVerifier::builder_with_provider(roots, Arc::clone(engine.provider()))
                .build()
                .map_err(|e| engine_err(&e))?;
            verifier.verify_server_cert(leaf.der(), &intermediates, &name, &[], now).map(|_| ())
        }
        Side::Client => {
            if check.peer_name.is_some() {
                return Err(engine
                    .capabilities()
                    .unsupported(Feature::ChainCheckWithout("names (client chains)")));
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(roots, Arc::clone(engine.provider()))
                .build()
                .map_err(|e| engine_err(&e))?;
            verifier.verify_client_cert(leaf.der(), &intermediates, now).map(|_| ())
        }
    };
    result.map_err(|e| crate::errors::translate(&e, &[], engine.name()))
}
