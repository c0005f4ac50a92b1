//! The verification policy of `wiretls_core::policy`, on every engine: the
//! same chains refused and accepted through `Engine::check_chain` and
//! through a real handshake, with the rule's problem and alert. The chains
//! are `fixtures/policy/` (made by its `make.sh` with the openssl command
//! line, which can sign with SHA-1 and MD5) and, for the expired root,
//! made here with rcgen. The server is the rustls engine for every client
//! engine: it sends any chain it is given (OpenSSL and BoringSSL refuse to
//! load SHA-1-signed certificates at their default security level).

use std::sync::Arc;

use wiretls_core::{
    Certificate, CertificateChain, CertificateProblem, ChainCheck, ClientTls, Engine, Error, PeerName,
    ServerCertificateChain, ServerTls, TrustStore,
};

use super::assert_alert;
use crate::pair::Pair;

fn pem(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/policy").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn certs(names: &[&str]) -> Vec<Certificate> {
    names
        .iter()
        .flat_map(|n| {
            wiretls_core::certificates_from_pem(&pem(&format!("{n}.pem")))
                .unwrap_or_else(|e| panic!("{n}: {e}"))
        })
        .collect()
}

/// A case: the leaf (with its key file) and the intermediates, the trust
/// anchor, the name the client expects, and the problem the policy finds
/// (`None`: accepted).
struct Case {
    leaf: &'static str,
    inter: &'static str,
    root: &'static str,
    name: &'static str,
    refused: Option<CertificateProblem>,
    /// Whether the rustls server can present it (its providers refuse to
    /// sign with an RSA key under 2048 bits: that case is checked through
    /// `check_chain` only).
    handshake: bool,
}

const CASES: &[Case] = &[
    Case {
        leaf: "leaf-sha1",
        inter: "inter",
        root: "root",
        name: "server.wiretls.test",
        refused: Some(CertificateProblem::WeakSignature),
        handshake: true,
    },
    Case {
        leaf: "leaf-under-sha1-inter",
        inter: "inter-sha1",
        root: "root",
        name: "server.wiretls.test",
        refused: Some(CertificateProblem::WeakSignature),
        handshake: true,
    },
    Case {
        leaf: "leaf-md5",
        inter: "inter-rsa",
        root: "root",
        name: "server.wiretls.test",
        refused: Some(CertificateProblem::WeakSignature),
        handshake: true,
    },
    Case {
        leaf: "leaf-rsa1024",
        inter: "inter-rsa",
        root: "root",
        name: "server.wiretls.test",
        refused: Some(CertificateProblem::WeakKey),
        handshake: false,
    },
    Case {
        leaf: "leaf-ip-outside",
        inter: "inter-nc-ip",
        root: "root",
        name: "10.0.0.1",
        refused: Some(CertificateProblem::NameConstraints),
        handshake: true,
    },
    Case {
        leaf: "leaf-ip-excluded",
        inter: "inter-nc-ip-excluded",
        root: "root",
        name: "127.0.0.1",
        refused: Some(CertificateProblem::NameConstraints),
        handshake: true,
    },
    Case {
        leaf: "leaf-dns-outside",
        inter: "inter-nc-dns",
        root: "root",
        name: "server.other.test",
        refused: Some(CertificateProblem::NameConstraints),
        handshake: true,
    },
    Case {
        leaf: "leaf-dns-excluded",
        inter: "inter-nc-dns-excluded",
        root: "root",
        name: "server.wiretls.test",
        refused: Some(CertificateProblem::NameConstraints),
        handshake: true,
    },
    Case {
        leaf: "leaf-cn-only",
        inter: "inter",
        root: "root",
        name: "server.wiretls.test",
        refused: Some(CertificateProblem::NameMismatch),
        handshake: true,
    },
    Case {
        leaf: "leaf-under-sha1-root",
        inter: "inter-under-sha1-root",
        root: "root-sha1",
        name: "server.wiretls.test",
        refused: None,
        handshake: true,
    },
    Case {
        leaf: "leaf-dns-permitted",
        inter: "inter-nc-dns",
        root: "root",
        name: "server.wiretls.test",
        refused: None,
        handshake: true,
    },
];

fn peer_name(name: &str) -> PeerName<'_> {
    name.parse().map_or(PeerName::Dns(name), PeerName::Ip)
}

/// Check `chain` through `client`'s `check_chain` and through a handshake
/// against a rustls server sending it; assert the outcome.
#[track_caller]
fn run(
    client: &dyn Engine,
    id: &str,
    chain: CertificateChain,
    trust: TrustStore,
    name: &str,
    refused: Option<CertificateProblem>,
    handshake: bool,
) {
    // An engine that cannot check a chain outside a handshake ends the
    // scenario at its refusal (wiretls's policy runs inside its check).
    let checked = client
        .check_chain(&ChainCheck::new(&trust, chain.certificates()).with_peer_name(peer_name(name)))
        .map_err(|e| crate::unsupported::check(client, e));
    match (refused, &checked) {
        (None, Ok(())) => {}
        (Some(problem), Err(Error::PeerCertificate { problem: got, alert_sent: None, detail })) => {
            assert!(detail.is_some(), "{} check_chain {id}: no detail", client.name());
            assert_eq!(*got, problem, "{} check_chain {id}", client.name());
        }
        _ => panic!("{} check_chain {id}: expected {refused:?}, got {checked:?}", client.name()),
    }
    if !handshake {
        return;
    }
    let server_engine = wiretls_rustls::RustlsEngine::default();
    let server = ServerTls::new(Arc::new(ServerCertificateChain::from(chain)));
    let tls = ClientTls::new(name).expect("client").with_trust_root(trust);
    let mut pair = Pair::new(client, &tls, &server_engine, &server);
    pair.run();
    match refused {
        None => {
            assert!(
                pair.client_log.errors.is_empty(),
                "{} {id}: {:?}",
                client.name(),
                pair.client_log.errors
            );
            assert!(!pair.client.is_handshaking(), "{} {id}: handshake", client.name());
        }
        Some(problem) => {
            let expected_alert = problem.alert();
            match pair.client_log.error() {
                Some(Error::PeerCertificate { problem: got, alert_sent, detail }) => {
                    assert!(
                        detail.as_deref().is_some_and(|d| d.contains("policy tests") || d.contains("CN=")),
                        "{} handshake {id}: which certificate? {detail:?}",
                        client.name()
                    );
                    assert_eq!(*got, problem, "{} handshake {id}", client.name());
                    assert_eq!(*alert_sent, Some(expected_alert), "{} handshake {id}", client.name());
                }
                other => panic!("{} handshake {id}: expected {problem:?}, got {other:?}", client.name()),
            }
            assert_alert(pair.server_log.error(), expected_alert);
            assert!(matches!(pair.client.data_from_application(b"x"), Err(Error::Invalidated { .. })));
        }
    }
}

/// An IP address inside an intermediate's permitted iPAddress subtree.
const IP_PERMITTED: Case = Case {
    leaf: "leaf-ip-permitted",
    inter: "inter-nc-ip",
    root: "root",
    name: "127.0.0.1",
    refused: None,
    handshake: true,
};

/// Every case of `fixtures/policy/` but the permitted IP (its own scenario), refused or
/// accepted as the policy says, with the rule's problem and alert, on
/// `check_chain` and in a handshake.
pub fn policy_cases(client: &dyn Engine, _server: &dyn Engine) {
    run_cases(client, CASES);
}

/// A leaf whose IP SAN lies inside its issuer's permitted iPAddress
/// constraint is accepted (RFC 5280 4.2.1.10).
pub fn ip_name_constraints_permit(client: &dyn Engine, _server: &dyn Engine) {
    run_cases(client, std::slice::from_ref(&IP_PERMITTED));
}

fn run_cases(client: &dyn Engine, cases: &[Case]) {
    for case in cases {
        let mut set = certs(&[case.leaf, case.inter]);
        let key = wiretls_core::private_key_from_pem(&pem(&format!("{}.key", case.leaf))).expect("key");
        set[0] = set[0].clone().with_private_key(key);
        let chain = CertificateChain::new(set).unwrap_or_else(|e| panic!("{}: {e}", case.leaf));
        let trust = TrustStore::new(certs(&[case.root])).expect("trust");
        run(client, case.leaf, chain, trust, case.name, case.refused, case.handshake);
    }
}

/// An expired root beside a valid root that cross-signed it: the path
/// through the cross-certificate is valid and accepted (path building with
/// backtracking); with only the expired root trusted, refused as expired.
pub fn expired_root_beside_cross_signed(client: &dyn Engine, _server: &dyn Engine) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
        KeyUsagePurpose,
    };
    let ca_params = |cn: &str, years: Option<(i32, i32)>| {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.distinguished_name.push(DnType::CommonName, cn);
        p.distinguished_name.push(DnType::OrganizationName, "wiretls policy tests");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        if let Some((from, to)) = years {
            p.not_before = rcgen::date_time_ymd(from, 1, 1);
            p.not_after = rcgen::date_time_ymd(to, 1, 1);
        }
        p
    };
    let new_key = KeyPair::generate().expect("key");
    let new_params = ca_params("new root", None);
    let new_root = new_params.self_signed(&new_key).expect("new root");
    let old_key = KeyPair::generate().expect("key");
    let old_params = ca_params("old root", Some((2000, 2001)));
    let old_root = old_params.clone().self_signed(&old_key).expect("old root");
    let mut cross_params = ca_params("old root", None);
    cross_params.use_authority_key_identifier_extension = true;
    let cross = cross_params.signed_by(&old_key, &Issuer::from_params(&new_params, &new_key)).expect("cross");
    let mut leaf_params =
        CertificateParams::new(vec![crate::fixtures::SERVER_NAME.to_owned()]).expect("params");
    leaf_params.distinguished_name.push(DnType::CommonName, "leaf under the old root");
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate().expect("key");
    let leaf = leaf_params.signed_by(&leaf_key, &Issuer::from_params(&old_params, &old_key)).expect("leaf");
    let der = |c: &rcgen::Certificate| Certificate::from_der(c.der().to_vec()).expect("certificate");
    let leaf_cert = der(&leaf)
        .with_private_key(wiretls_core::PrivateKey::from_der(leaf_key.serialize_der()).expect("leaf key"));
    let chain = CertificateChain::new([leaf_cert, der(&cross)]).expect("chain");
    let both = TrustStore::new([der(&old_root), der(&new_root)]).expect("trust");
    run(client, "cross-signed", chain.clone(), both, crate::fixtures::SERVER_NAME, None, true);
    let only_old = TrustStore::new([der(&old_root)]).expect("trust");
    // The leaf's issuer is the old root itself: the cross-certificate is
    // then an extra, and the only path ends at an expired anchor.
    let checked = client.check_chain(
        &ChainCheck::new(&only_old, chain.certificates())
            .with_peer_name(PeerName::Dns(crate::fixtures::SERVER_NAME)),
    );
    assert!(
        matches!(
            checked,
            Err(Error::PeerCertificate {
                problem: CertificateProblem::Expired | CertificateProblem::UnknownIssuer,
                ..
            })
        ),
        "{}: only the expired root: {checked:?}",
        client.name()
    );
}
