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
    /// Why.
    pub reason: String,
}

/// The file's text.
pub const FILE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/divergences.txt"));

/// Every divergence in the file.
///
/// # Panics
/// On a malformed line (a line without a reason is malformed).
pub fn all() -> Vec<Divergence> {
    FILE.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let (head, reason) =
                line.split_once('|').unwrap_or_else(|| panic!("divergence without a reason: {line}"));
            let mut parts = head.split_whitespace();
            let mut next =
                || parts.next().unwrap_or_else(|| panic!("malformed divergence: {line}")).to_owned();
            let (client, server, scenario) = (next(), next(), next());
            let reason = reason.trim().to_owned();
            assert!(!reason.is_empty(), "divergence without a reason: {line}");
            Divergence { client, server, scenario, reason }
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
