//! ALPN lists (RFC 7301) in wire format, and the server's choice.

/// Protocol names in wire format (each prefixed by its length).
#[must_use]
pub fn to_wire(protocols: &[Vec<u8>]) -> Vec<u8> {
    let mut wire = Vec::new();
    for p in protocols {
        // Invariant: ClientTls/ServerTls refuse empty and over-long names.
        wire.push(u8::try_from(p.len()).unwrap_or(u8::MAX));
        wire.extend_from_slice(p);
    }
    wire
}

/// The entries of a wire-format list (a malformed tail is ignored).
pub fn entries(mut wire: &[u8]) -> impl Iterator<Item = &[u8]> {
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

/// The server's choice: its most preferred protocol that the client
/// offers, as a slice of the client's list (`None`: nothing in common).
#[must_use]
pub fn choose<'c>(ours: &[Vec<u8>], client_wire: &'c [u8]) -> Option<&'c [u8]> {
    ours.iter().find_map(|p| entries(client_wire).find(|c| *c == p.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_preference_wins() {
        let client = to_wire(&[b"h2".to_vec(), b"http/1.1".to_vec()]);
        assert_eq!(entries(&client).count(), 2);
        assert_eq!(choose(&[b"http/1.1".to_vec(), b"h2".to_vec()], &client), Some(&b"http/1.1"[..]));
        assert_eq!(choose(&[b"spdy/3".to_vec()], &client), None);
        assert_eq!(entries(&[5, b'a']).count(), 0);
    }
}
