//! Regenerates the test certificates in `conformance/fixtures/`.
//!
//! `cargo run -p wiretls-conformance --bin make-fixtures` (writes the files;
//! the committed copies are what tests use, so runs are reproducible).

use std::fs;
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SignatureAlgorithm,
};

struct Made {
    pem: String,
    key: KeyPair,
    params: CertificateParams,
}

fn key(alg: &'static SignatureAlgorithm) -> KeyPair {
    if alg == &rcgen::PKCS_RSA_SHA256 {
        KeyPair::generate_rsa_for(alg, rcgen::RsaKeySize::_2048).expect("RSA key")
    } else {
        KeyPair::generate_for(alg).expect("key")
    }
}

fn ca(cn: &str, alg: &'static SignatureAlgorithm, issuer: Option<&Made>) -> Made {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.distinguished_name.push(DnType::OrganizationName, "wiretls tests");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    // RFC 5280 4.2.1.1: every certificate but a self-signed root names its
    // issuer's key (wiretls's verification policy checks it).
    params.use_authority_key_identifier_extension = issuer.is_some();
    let key = key(alg);
    let cert = match issuer {
        None => params.self_signed(&key).expect("self-signed"),
        Some(i) => params.signed_by(&key, &Issuer::from_params(&i.params, &i.key)).expect("signed"),
    };
    Made { pem: cert.pem(), key, params }
}

fn leaf(
    cn: &str,
    names: &[&str],
    alg: &'static SignatureAlgorithm,
    issuer: &Made,
    eku: ExtendedKeyUsagePurpose,
    validity: Option<(i32, i32)>,
) -> Made {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.subject_alt_names = names
        .iter()
        .map(|n| match n.parse::<std::net::IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName((*n).try_into().expect("dns name")),
        })
        .collect();
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![eku];
    params.use_authority_key_identifier_extension = true;
    if let Some((from, to)) = validity {
        params.not_before = rcgen::date_time_ymd(from, 1, 1);
        params.not_after = rcgen::date_time_ymd(to, 1, 1);
    }
    let key = key(alg);
    let cert = params.signed_by(&key, &Issuer::from_params(&issuer.params, &issuer.key)).expect("signed");
    Made { pem: cert.pem(), key, params }
}

fn write(dir: &Path, name: &str, contents: &str) {
    fs::write(dir.join(name), contents).expect("write fixture");
}

/// `<name>.pem`: leaf, issuers, key (the strict loader's input);
/// `<name>.crt` / `<name>.key`: chain and key apart, for external tools.
fn write_chain(dir: &Path, name: &str, leaf: &Made, issuers: &[&Made]) {
    let chain: String =
        std::iter::once(leaf).chain(issuers.iter().copied()).map(|m| m.pem.as_str()).collect();
    write(dir, &format!("{name}.pem"), &format!("{chain}{}", leaf.key.serialize_pem()));
    write(dir, &format!("{name}.crt"), &chain);
    write(dir, &format!("{name}.key"), &leaf.key.serialize_pem());
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    fs::create_dir_all(&dir).expect("fixtures dir");
    let server_names = ["localhost", "server.wiretls.test", "127.0.0.1"];
    let server = ExtendedKeyUsagePurpose::ServerAuth;
    let client = ExtendedKeyUsagePurpose::ClientAuth;

    let root = ca("wiretls test root CA", &rcgen::PKCS_ECDSA_P256_SHA256, None);
    let inter = ca("wiretls test intermediate CA", &rcgen::PKCS_ECDSA_P256_SHA256, Some(&root));
    write(&dir, "root-ca.pem", &root.pem);
    write(&dir, "inter-ca.pem", &inter.pem);
    // For external servers that build their chains from a CA file.
    write(&dir, "root-and-inter-ca.pem", &format!("{}{}", root.pem, inter.pem));
    for (name, alg) in [
        ("server-p256", &rcgen::PKCS_ECDSA_P256_SHA256),
        ("server-p384", &rcgen::PKCS_ECDSA_P384_SHA384),
        ("server-ed25519", &rcgen::PKCS_ED25519),
        ("server-rsa2048", &rcgen::PKCS_RSA_SHA256),
    ] {
        let l = leaf("wiretls test server", &server_names, alg, &inter, server.clone(), None);
        write_chain(&dir, name, &l, &[&inter]);
    }
    let alpha =
        leaf("alpha", &["alpha.wiretls.test"], &rcgen::PKCS_ECDSA_P256_SHA256, &inter, server.clone(), None);
    write_chain(&dir, "sni-alpha", &alpha, &[&inter]);
    let beta =
        leaf("beta", &["*.beta.wiretls.test"], &rcgen::PKCS_ECDSA_P256_SHA256, &inter, server.clone(), None);
    write_chain(&dir, "sni-beta-wildcard", &beta, &[&inter]);
    let expired = leaf(
        "expired",
        &server_names,
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &inter,
        server.clone(),
        Some((1999, 2001)),
    );
    write_chain(&dir, "server-expired", &expired, &[&inter]);
    let client_as_server =
        leaf("client-only", &server_names, &rcgen::PKCS_ECDSA_P256_SHA256, &inter, client.clone(), None);
    write_chain(&dir, "server-wrong-eku", &client_as_server, &[&inter]);

    let other = ca("wiretls untrusted root CA", &rcgen::PKCS_ECDSA_P256_SHA256, None);
    write(&dir, "other-root-ca.pem", &other.pem);
    let stranger = leaf("stranger", &server_names, &rcgen::PKCS_ECDSA_P256_SHA256, &other, server, None);
    write_chain(&dir, "server-untrusted", &stranger, &[]);

    let client_root = ca("wiretls client root CA", &rcgen::PKCS_ECDSA_P256_SHA256, None);
    write(&dir, "client-root-ca.pem", &client_root.pem);
    let c1 = leaf(
        "wiretls client one",
        &["client1.wiretls.test"],
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &client_root,
        client.clone(),
        None,
    );
    write_chain(&dir, "client1", &c1, &[]);
    let client_root2 = ca("wiretls second client root CA", &rcgen::PKCS_ECDSA_P256_SHA256, None);
    write(&dir, "client2-root-ca.pem", &client_root2.pem);
    let c2 = leaf(
        "wiretls client two",
        &["client2.wiretls.test"],
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &client_root2,
        client,
        None,
    );
    write_chain(&dir, "client2", &c2, &[]);
    println!("fixtures written to {}", dir.display());
}
