//! Hand-made TLS records for hostile-input scenarios: what no engine would
//! send on its own.

/// A TLS record: content type, version, payload.
pub fn record(content_type: u8, version: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + payload.len());
    out.push(content_type);
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&u16::try_from(payload.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A record header that claims `len` bytes (no payload).
pub fn header(content_type: u8, len: u16) -> Vec<u8> {
    let mut out = vec![content_type, 3, 3];
    out.extend_from_slice(&len.to_be_bytes());
    out
}

fn with_len16(body: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(body.len()).unwrap_or(u16::MAX).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

fn extension(kind: u16, body: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    out.extend_from_slice(&with_len16(body));
    out
}

/// A ClientHello without `supported_versions` or a key share: what a TLS
/// 1.2 (or older) client sends.
pub fn client_hello(legacy_version: u16, suites: &[u16], server_name: &str) -> Vec<u8> {
    let mut body = legacy_version.to_be_bytes().to_vec();
    body.extend_from_slice(&[0x5a; 32]); // random
    body.push(0); // session id
    let suite_bytes: Vec<u8> = suites.iter().flat_map(|s| s.to_be_bytes()).collect();
    body.extend_from_slice(&with_len16(&suite_bytes));
    body.extend_from_slice(&[1, 0]); // null compression
    let mut sni = vec![0];
    sni.extend_from_slice(&with_len16(server_name.as_bytes()));
    let groups: Vec<u8> = [29u16, 23, 24].iter().flat_map(|g| g.to_be_bytes()).collect();
    let schemes: Vec<u8> = [0x0403u16, 0x0804, 0x0401, 0x0807].iter().flat_map(|s| s.to_be_bytes()).collect();
    let mut exts = Vec::new();
    exts.extend(extension(0, &with_len16(&sni)));
    exts.extend(extension(10, &with_len16(&groups)));
    exts.extend(extension(11, &[1, 0]));
    exts.extend(extension(13, &with_len16(&schemes)));
    exts.extend(extension(23, &[])); // extended master secret
    body.extend_from_slice(&with_len16(&exts));
    let mut message = vec![1];
    let len = u32::try_from(body.len()).unwrap_or(u32::MAX).to_be_bytes();
    message.extend_from_slice(&len[1..]);
    message.extend_from_slice(&body);
    record(22, if legacy_version < 0x0303 { legacy_version } else { 0x0301 }, &message)
}

/// The alerts in the plaintext alert records of `bytes` (level, description).
pub fn plaintext_alerts(mut bytes: &[u8]) -> Vec<(u8, u8)> {
    let mut alerts = Vec::new();
    while bytes.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        let Some(body) = bytes.get(5..5 + len) else { break };
        if bytes[0] == 21 && len == 2 {
            alerts.push((body[0], body[1]));
        }
        bytes = &bytes[5 + len..];
    }
    alerts
}

/// The records of `bytes`: (content type, payload length).
pub fn records(mut bytes: &[u8]) -> Vec<(u8, usize)> {
    let mut out = Vec::new();
    while bytes.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        out.push((bytes[0], len));
        if bytes.len() < 5 + len {
            break;
        }
        bytes = &bytes[5 + len..];
    }
    out
}
