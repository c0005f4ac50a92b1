//! The known divergences of `conformance/divergences.txt`.

/// One line of the divergences file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The client engine, or `*`.
    pub client: String,
    /// The server engine, or `*`.
    pub server: String,
    /// `group::scenario`.
    pub scenario: String,
    /// What the scenario's panic message must contain: the precise failure
    /// the reason describes (an error or alert as the scenario prints it),
    /// so that an unrelated breakage of a listed scenario is not hidden.
    pub expect: String,
    /// Why.
    pub reason: String,
}

impl Divergence {
    /// Whether a failure with this panic message is the listed one.
    pub fn matches(&self, panic_message: &str) -> bool {
        panic_message.contains(&self.expect)
    }
}

/// The file's text.
pub const FILE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/divergences.txt"));

/// Every divergence in the file.
///
/// # Panics
/// On a malformed line: one without exactly the three `|`-separated fields
/// `<client> <server> <group>::<scenario> | <expected failure> | <reason>`,
/// with an empty expectation or reason.
pub fn all() -> Vec<Divergence> {
    parse(FILE)
}

/// The divergences in `text` (the format of `divergences.txt`).
///
/// # Panics
/// As [`all`].
pub fn parse(text: &str) -> Vec<Divergence> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split('|').map(str::trim).collect();
            let [head, expect, reason] = fields[..] else {
                panic!("a divergence needs `<pair> <scenario> | <expected failure> | <reason>`: {line}")
            };
            let mut parts = head.split_whitespace();
            let mut next =
                || parts.next().unwrap_or_else(|| panic!("malformed divergence: {line}")).to_owned();
            let (client, server, scenario) = (next(), next(), next());
            assert!(parts.next().is_none(), "malformed divergence: {line}");
            assert!(scenario.contains("::"), "the scenario is `group::name`: {line}");
            assert!(!expect.is_empty(), "divergence without an expected failure: {line}");
            assert!(!reason.is_empty(), "divergence without a reason: {line}");
            Divergence { client, server, scenario, expect: expect.to_owned(), reason: reason.to_owned() }
        })
        .collect()
}

/// The divergence listed for this pair and scenario, if any.
pub fn find(client: &str, server: &str, scenario: &str) -> Option<Divergence> {
    all().into_iter().find(|d| {
        (d.client == "*" || d.client == client)
            && (d.server == "*" || d.server == server)
            && d.scenario == scenario
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_parses_with_an_expectation() {
        for d in all() {
            assert!(!d.expect.is_empty() && !d.reason.is_empty(), "{d:?}");
        }
    }

    #[test]
    fn three_fields() {
        let d = parse("* rustls a::b | decode_error(50) | why");
        assert_eq!(d[0].expect, "decode_error(50)");
        assert_eq!(d[0].reason, "why");
        assert!(d[0].matches("TLS 1.2: BadTlsData { kind: Decode, alert_sent: Some(decode_error(50)) }"));
        assert!(!d[0].matches("expected BadTlsData, got Ok([])"));
    }

    #[test]
    #[should_panic(expected = "expected failure")]
    fn a_line_without_an_expectation_is_refused() {
        parse("* rustls a::b | only a reason");
    }
}
