//! # wiretls-testpki
//!
//! What wiretls's tests and its command share with their peers: the test
//! PKI, and ports for external tools ([`ports`]).
//!
//! The test PKI of wiretls, generated with rcgen: a root and an intermediate
//! CA, servers with four key types, SNI names, broken servers (expired,
//! wrong key usage, untrusted) and client certificates under their own
//! roots. `conformance/fixtures/` is one generation of it, written by
//! `cargo run -p wiretls-conformance --bin make-fixtures` and committed so
//! that test runs are reproducible; the `wiretls` command's `interop` and
//! `compare` make a fresh one for each run, so that they need no files.
//!
//! ```
//! let pki = wiretls_testpki::generate();
//! let server = pki.file("server-p256.pem").expect("a server chain");
//! assert!(server.starts_with("-----BEGIN CERTIFICATE-----"));
//! assert!(server.contains("PRIVATE KEY"));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ports;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SignatureAlgorithm,
};

/// The names every server certificate carries.
pub const SERVER_NAMES: [&str; 3] = ["localhost", "server.wiretls.test", "127.0.0.1"];

/// One generated set: files by name, in PEM.
///
/// For a chain `<name>`: `<name>.pem` holds the leaf, its issuers and the key
/// (wiretls's strict loader's input); `<name>.crt` and `<name>.key` hold the
/// chain and the key apart, for external tools (`openssl s_server -cert`).
#[derive(Clone, Debug, Default)]
pub struct Pki {
    files: Vec<(String, String)>,
}

impl Pki {
    /// Every file, in generation order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(n, t)| (n.as_str(), t.as_str()))
    }

    /// The file called `name`.
    pub fn file(&self, name: &str) -> Option<&str> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str())
    }

    /// Write every file into `dir` (which must exist).
    ///
    /// # Errors
    /// The first failed write.
    pub fn write_to(&self, dir: &std::path::Path) -> std::io::Result<()> {
        for (name, text) in self.files() {
            std::fs::write(dir.join(name), text)?;
        }
        Ok(())
    }

    fn add(&mut self, name: &str, text: String) {
        self.files.push((name.to_owned(), text));
    }

    fn add_chain(&mut self, name: &str, leaf: &Made, issuers: &[&Made]) {
        let chain: String =
            std::iter::once(leaf).chain(issuers.iter().copied()).map(|m| m.pem.as_str()).collect();
        self.add(&format!("{name}.pem"), format!("{chain}{}", leaf.key.serialize_pem()));
        self.add(&format!("{name}.crt"), chain);
        self.add(&format!("{name}.key"), leaf.key.serialize_pem());
    }
}

/// Generate the whole set (fresh keys each time; about 0.1 s, most of it
/// the RSA key).
///
/// # Panics
/// Only if rcgen refuses the fixed parameters used here (a bug).
pub fn generate() -> Pki {
    let mut pki = Pki::default();
    let server = ExtendedKeyUsagePurpose::ServerAuth;
    let client = ExtendedKeyUsagePurpose::ClientAuth;
    let p256 = &rcgen::PKCS_ECDSA_P256_SHA256;

    let root = ca("wiretls test root CA", p256, None);
    let inter = ca("wiretls test intermediate CA", p256, Some(&root));
    pki.add("root-ca.pem", root.pem.clone());
    pki.add("inter-ca.pem", inter.pem.clone());
    // For external servers that build their chains from a CA file.
    pki.add("root-and-inter-ca.pem", format!("{}{}", root.pem, inter.pem));
    for (name, alg) in [
        ("server-p256", p256),
        ("server-p384", &rcgen::PKCS_ECDSA_P384_SHA384),
        ("server-ed25519", &rcgen::PKCS_ED25519),
        ("server-rsa2048", &rcgen::PKCS_RSA_SHA256),
    ] {
        let l = leaf("wiretls test server", &SERVER_NAMES, alg, &inter, server.clone(), None);
        pki.add_chain(name, &l, &[&inter]);
    }
    let alpha = leaf("alpha", &["alpha.wiretls.test"], p256, &inter, server.clone(), None);
    pki.add_chain("sni-alpha", &alpha, &[&inter]);
    let beta = leaf("beta", &["*.beta.wiretls.test"], p256, &inter, server.clone(), None);
    pki.add_chain("sni-beta-wildcard", &beta, &[&inter]);
    let expired = leaf("expired", &SERVER_NAMES, p256, &inter, server.clone(), Some((1999, 2001)));
    pki.add_chain("server-expired", &expired, &[&inter]);
    let client_as_server = leaf("client-only", &SERVER_NAMES, p256, &inter, client.clone(), None);
    pki.add_chain("server-wrong-eku", &client_as_server, &[&inter]);

    let other = ca("wiretls untrusted root CA", p256, None);
    pki.add("other-root-ca.pem", other.pem.clone());
    let stranger = leaf("stranger", &SERVER_NAMES, p256, &other, server, None);
    pki.add_chain("server-untrusted", &stranger, &[]);

    for (n, root_file, ca_name) in [
        ("one", "client-root-ca.pem", "wiretls client root CA"),
        ("two", "client2-root-ca.pem", "wiretls second client root CA"),
    ] {
        let client_root = ca(ca_name, p256, None);
        pki.add(root_file, client_root.pem.clone());
        let number = if n == "one" { 1 } else { 2 };
        let c = leaf(
            &format!("wiretls client {n}"),
            &[&format!("client{number}.wiretls.test")],
            p256,
            &client_root,
            client.clone(),
            None,
        );
        pki.add_chain(&format!("client{number}"), &c, &[]);
    }
    pki
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn every_fixture_file_is_generated() {
        let pki = super::generate();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../conformance/fixtures");
        for (name, _) in pki.files() {
            assert!(std::path::Path::new(dir).join(name).exists(), "{name} is not among the fixtures");
        }
        assert_eq!(pki.files().count(), 39);
    }
}
