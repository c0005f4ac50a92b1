//! Host-name matching for SNI selection: a DNS name from a certificate
//! (possibly a wildcard) against the name a client asked for.

/// Whether the certificate name `pattern` covers `name`.
///
/// Comparison is ASCII case-insensitive and ignores one trailing dot. A
/// wildcard is allowed only as the whole left-most label (`*.example.com`),
/// matches exactly one non-empty label, and never matches a name with fewer
/// than two labels after it (`*.com` covers nothing) — the rules of RFC 6125
/// section 6.4.3 as browsers apply them.
#[must_use]
pub fn dns_name_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.strip_suffix('.').unwrap_or(pattern);
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || pattern.is_empty() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        None => !pattern.contains('*') && pattern.eq_ignore_ascii_case(name),
        Some(base) => {
            if base.contains('*') || !base.contains('.') {
                return false;
            }
            match name.split_once('.') {
                Some((first, rest)) => !first.is_empty() && rest.eq_ignore_ascii_case(base),
                None => false,
            }
        }
    }
}

/// Whether `name` is a syntactically valid DNS host name (LDH labels of 1 to
/// 63 bytes, 253 bytes in all, one optional trailing dot).
pub(crate) fn is_valid_dns_name(name: &str) -> bool {
    is_ldh_name(name.strip_suffix('.').unwrap_or(name), true)
}

/// Whether `name` is made of LDH labels (letters, digits, hyphens; and
/// underscores when `underscore`) of 1 to 63 bytes, 253 bytes in all.
pub(crate) fn is_ldh_name(name: &str, underscore: bool) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || (underscore && b == b'_'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_case_insensitive() {
        assert!(dns_name_matches("example.com", "EXAMPLE.com"));
        assert!(dns_name_matches("example.com.", "example.com"));
        assert!(!dns_name_matches("example.com", "www.example.com"));
    }

    #[test]
    fn wildcards_cover_one_label() {
        assert!(dns_name_matches("*.example.com", "www.Example.COM"));
        assert!(!dns_name_matches("*.example.com", "a.b.example.com"));
        assert!(!dns_name_matches("*.example.com", "example.com"));
        assert!(!dns_name_matches("*.com", "example.com"));
        assert!(!dns_name_matches("w*.example.com", "www.example.com"));
        assert!(!dns_name_matches("*.*.example.com", "a.b.example.com"));
    }

    #[test]
    fn dns_name_syntax() {
        assert!(is_valid_dns_name("a-b.example.com"));
        assert!(!is_valid_dns_name("-a.example.com"));
        assert!(!is_valid_dns_name("a..b"));
        assert!(!is_valid_dns_name(""));
        assert!(!is_valid_dns_name("exa mple.com"));
    }
}
