//! What a connection negotiated and the peer's chain, as text.

use std::fmt::Write;

use wiretls_core::{Certificate, ConnectionInfo};
use x509_parser::prelude::{FromDer, X509Certificate};

/// One line: version, suite, group, ALPN.
pub(crate) fn brief(info: &ConnectionInfo) -> String {
    format!(
        "{} {} {} alpn={}",
        info.version.map_or("-".into(), |v| v.to_string()),
        info.cipher_suite.map_or("-".into(), |s| s.to_string()),
        info.key_exchange_group.map_or("-".into(), |g| g.to_string()),
        info.alpn_protocol.as_deref().map_or("-".into(), |p| String::from_utf8_lossy(p).into_owned()),
    )
}

/// The negotiated parameters, one per line.
pub(crate) fn parameters(info: &ConnectionInfo) -> String {
    let mut out = String::new();
    let field = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let _ = writeln!(out, "version       {}", field(info.version.map(|v| v.to_string())));
    let _ = writeln!(out, "cipher suite  {}", field(info.cipher_suite.map(|s| s.to_string())));
    let _ = writeln!(out, "key exchange  {}", field(info.key_exchange_group.map(|g| g.to_string())));
    let _ = writeln!(
        out,
        "ALPN          {}",
        field(info.alpn_protocol.as_deref().map(|p| String::from_utf8_lossy(p).into_owned()))
    );
    let _ = writeln!(out, "SNI           {}", field(info.server_name.clone()));
    let _ = writeln!(out, "resumed       {}", field(info.resumed.map(|r| r.to_string())));
    out
}

/// The chain: subject, issuer, validity and names of each certificate.
pub(crate) fn chain(certificates: &[Certificate]) -> String {
    let mut out = format!("peer chain    {} certificate(s)\n", certificates.len());
    for (i, cert) in certificates.iter().enumerate() {
        let _ = writeln!(out, "  {i} subject   {}", cert.subject_text());
        if let Ok((_, x509)) = X509Certificate::from_der(cert.der().as_ref()) {
            let _ = writeln!(out, "    issuer    {}", x509.issuer());
            let v = x509.validity();
            let _ = writeln!(out, "    valid     {} to {}", v.not_before, v.not_after);
        }
        let names: Vec<String> = cert
            .dns_names()
            .iter()
            .cloned()
            .chain(cert.ip_addresses().iter().map(ToString::to_string))
            .collect();
        if !names.is_empty() {
            let _ = writeln!(out, "    names     {}", names.join(", "));
        }
    }
    out
}
