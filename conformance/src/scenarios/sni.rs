//! SNI: the server's store picks the chain by the name the client asked for.

use std::sync::Arc;

use wiretls_core::{AlertDescription as A, Engine, Error, ServerTls, SniServerCertificates};

use super::{assert_alert, ders, received_ders};
use crate::fixtures;
use crate::pair::Pair;

fn sni_server(with_default: bool) -> ServerTls {
    let mut certs = fixtures::certificates("sni-alpha.pem");
    certs.extend(fixtures::certificates("sni-beta-wildcard.pem"));
    let default = if with_default { fixtures::certificates("server-p256.pem") } else { Vec::new() };
    ServerTls::new(Arc::new(SniServerCertificates::new(certs, default).expect("SNI store")))
}

#[track_caller]
fn sends(client: &dyn Engine, server: &dyn Engine, name: &str, with_default: bool, fixture: &str) {
    let mut pair = Pair::new(client, &fixtures::client_for(name), server, &sni_server(with_default));
    pair.handshake();
    assert_eq!(
        ders(pair.client.peer_certificates()),
        received_ders(client, fixtures::chain(fixture).certificates()),
        "{name}"
    );
    let seen = pair.server.info().server_name.clone();
    if name.parse::<std::net::IpAddr>().is_err() {
        let seen = seen.unwrap_or_else(|| panic!("the server saw no SNI for {name}"));
        assert!(seen.eq_ignore_ascii_case(name), "{seen} for {name}");
    }
}

/// An exact name picks its chain.
pub fn exact_name(client: &dyn Engine, server: &dyn Engine) {
    sends(client, server, "alpha.wiretls.test", true, "sni-alpha.pem");
    sends(client, server, "ALPHA.wiretls.test", true, "sni-alpha.pem");
}

/// A wildcard covers one label.
pub fn wildcard_name(client: &dyn Engine, server: &dyn Engine) {
    sends(client, server, "www.beta.wiretls.test", true, "sni-beta-wildcard.pem");
}

/// An unknown name gets the default chain.
pub fn default_chain(client: &dyn Engine, server: &dyn Engine) {
    sends(client, server, fixtures::SERVER_NAME, true, "server-p256.pem");
}

/// A client without SNI (an IP address) gets the default chain.
pub fn no_sni_gets_default(client: &dyn Engine, server: &dyn Engine) {
    sends(client, server, "127.0.0.1", true, "server-p256.pem");
}

/// No chain for the name and no default: `unrecognized_name`, and the
/// server reports which name had none.
pub fn no_chain_sends_alert(client: &dyn Engine, server: &dyn Engine) {
    let mut pair = Pair::new(client, &fixtures::client(), server, &sni_server(false));
    pair.run();
    match pair.server_log.error() {
        Some(Error::NoServerCertificate { server_name, alert_sent }) => {
            assert_eq!(server_name.as_deref(), Some(fixtures::SERVER_NAME));
            assert_eq!(*alert_sent, Some(A::UNRECOGNIZED_NAME));
        }
        other => panic!("expected NoServerCertificate, got {other:?}"),
    }
    assert_alert(pair.client_log.error(), A::UNRECOGNIZED_NAME);
    assert!(matches!(pair.server.data_from_application(b"x"), Err(Error::Invalidated { .. })));
}
