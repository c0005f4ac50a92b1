//! The capability table, generated from the engines' own declarations (the
//! same data the conformance suite reads).
//!
//! Engines that cannot share a binary (OpenSSL and BoringSSL) cannot be
//! listed by one program, so the table is maintained column by column:
//! [`with_column`] replaces (or adds) one engine's column of an existing
//! table and leaves the others alone. Each engine's test package checks its
//! own columns of the copies in README.md and docs/engines.md.

use std::fmt::Write;

use wiretls_core::{AlertSending, Capabilities, CipherSuite, KeyType, ProtocolVersion};

/// The order of the columns, whichever engines a table holds.
pub const COLUMN_ORDER: &[&str] = &["rustls", "rustls-ring", "openssl", "boring", "native-tls"];

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no (Unsupported)"
    }
}

fn list<T: std::fmt::Debug>(items: &[T]) -> String {
    items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", ")
}

/// The table, in Markdown, one column per engine.
pub fn markdown(caps: &[&Capabilities]) -> String {
    let mut out = String::new();
    let _ = write!(out, "| capability |");
    for c in caps {
        let _ = write!(out, " {} |", c.engine);
    }
    out.push('\n');
    out.push_str("|---|");
    out.push_str(&"---|".repeat(caps.len()));
    out.push('\n');
    let mut row = |name: &str, cell: &dyn Fn(&Capabilities) -> String| {
        let _ = write!(out, "| {name} |");
        for c in caps {
            let _ = write!(out, " {} |", cell(c));
        }
        out.push('\n');
    };
    for v in ProtocolVersion::ALL {
        row(&v.to_string(), &|c| yes(c.versions.contains(v)).into());
    }
    for v in ProtocolVersion::ALL {
        row(&format!("{v} as a server"), &|c| yes(c.server_versions.contains(v)).into());
    }
    for s in CipherSuite::ALL {
        row(s.name(), &|c| yes(c.offers_suite(*s)).into());
    }
    for k in KeyType::COMMON {
        row(&format!("{k:?} certificates"), &|c| yes(c.key_types.contains(k)).into());
    }
    row("key-exchange groups", &|c| list(c.groups));
    row("choosing cipher suites", &|c| yes(c.cipher_suite_selection).into());
    row("choosing TLS 1.3 suites", &|c| yes(c.tls13_suite_selection).into());
    row("choosing groups", &|c| yes(c.group_selection).into());
    row("dh_params (DHE)", &|c| yes(c.dh_params).into());
    row("verify callback", &|c| yes(c.verify_callback).into());
    row("SNI and other ServerCertificates (not one fixed chain)", &|c| {
        yes(c.server_certificate_stores).into()
    });
    row("ServerCertificates answering later", &|c| yes(c.later_server_certificate_answer).into());
    row("server asking for client certificates", &|c| yes(c.client_auth).into());
    row("ClientCertificateStore asked with the server's CA names", &|c| {
        if c.client_certificate_roots { "yes" } else { "no (asked for its default chain at start)" }.into()
    });
    row("ClientCertificateStore answering later", &|c| yes(c.later_client_certificate_answer).into());
    row("send_alert", &|c| {
        match c.alert_sending {
            AlertSending::CloseNotifyOnly => "close_notify only (others Unsupported)",
            AlertSending::FatalOnly => "fatal alerts and close_notify",
            AlertSending::Any => "any",
            _ => "(a kind this table does not know yet)",
        }
        .into()
    });
    row("verify-callback veto alerts", &|c| {
        c.verify_alerts.iter().map(|a| a.name().unwrap_or("?")).collect::<Vec<_>>().join(", ")
    });
    row("peer's whole chain reported", &|c| if c.peer_chain { "yes" } else { "no (the leaf only)" }.into());
    row("session id reported", &|c| yes(c.session_id).into());
    row("resumption", &|c| yes(c.resumption).into());
    row("ALPN", &|c| yes(c.alpn).into());
    out
}

/// The cells of one row, after its name.
fn cells(line: &str) -> Vec<String> {
    line.trim().trim_matches('|').split('|').map(|c| c.trim().to_owned()).collect()
}

/// `table` (as [`markdown`] writes it) with the column of `caps.engine`
/// replaced by `caps`' declarations, or added in [`COLUMN_ORDER`]. Other
/// columns are kept as they are. An empty `table` gives a one-column table.
pub fn with_column(table: &str, caps: &Capabilities) -> String {
    let fresh = markdown(&[caps]);
    let fresh_rows: Vec<Vec<String>> = fresh.lines().map(cells).collect();
    let old_rows: Vec<Vec<String>> = table.lines().filter(|l| l.starts_with('|')).map(cells).collect();
    // Columns: the old engines, plus this one, in the fixed order.
    let old_engines: Vec<String> = old_rows.first().map(|h| h[1..].to_vec()).unwrap_or_default();
    let mut engines: Vec<String> = old_engines.clone();
    if !engines.iter().any(|e| e == caps.engine) {
        engines.push(caps.engine.to_owned());
    }
    let rank = |e: &String| COLUMN_ORDER.iter().position(|o| o == e).unwrap_or(usize::MAX);
    engines.sort_by_key(rank);
    let mut out = String::new();
    for (i, fresh_row) in fresh_rows.iter().enumerate() {
        if i == 1 {
            out.push_str("|---|");
            out.push_str(&"---|".repeat(engines.len()));
            out.push('\n');
            continue;
        }
        let name = &fresh_row[0];
        let old_row = old_rows.iter().find(|r| &r[0] == name);
        let _ = write!(out, "| {name} |");
        for engine in &engines {
            let cell = if engine == caps.engine {
                fresh_row[1].clone()
            } else {
                let col = old_engines.iter().position(|e| e == engine).map_or(0, |p| p + 1);
                old_row.and_then(|r| r.get(col)).cloned().unwrap_or_else(|| "?".to_owned())
            };
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
    out
}

/// The marker lines around the generated table in Markdown files.
pub const BEGIN: &str = "<!-- capabilities:begin -->";
/// See [`BEGIN`].
pub const END: &str = "<!-- capabilities:end -->";

/// Check that the capability table of `file` (a path from the repository's
/// root: README.md, docs/engines.md) has `engines`' columns as they
/// declare them; with `WIRETLS_BLESS` set, rewrite the file instead. Each
/// engine's test package calls it for the engines it links.
///
/// # Panics
/// When the file cannot be read or written, has no markers, or a column is
/// stale.
pub fn check_file(file: &str, engines: &[&dyn wiretls_core::Engine]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut updated = text.clone();
    for engine in engines {
        updated = update_file(&updated, engine.capabilities())
            .unwrap_or_else(|| panic!("{file} has no capability table markers"));
    }
    if std::env::var_os("WIRETLS_BLESS").is_some() {
        std::fs::write(&path, updated).expect("rewrite");
        return;
    }
    let names: Vec<&str> = engines.iter().map(|e| e.name()).collect();
    assert!(updated == text, "{file}: the {} column is stale; rerun with WIRETLS_BLESS=1", names.join(", "));
}

/// The text of `file` with the table between the markers updated for
/// `caps`' column, or `None` when the file has no markers.
pub fn update_file(file: &str, caps: &Capabilities) -> Option<String> {
    let start = file.find(BEGIN)? + BEGIN.len();
    let end = file[start..].find(END)? + start;
    let table = with_column(&file[start..end], caps);
    Some(format!("{}\n{table}{}", &file[..start], &file[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_replaced_and_ordered() {
        let mut a = Capabilities::NONE;
        a.engine = "openssl";
        let mut b = Capabilities::NONE;
        b.engine = "rustls";
        b.alpn = true;
        let one = with_column("", &a);
        let two = with_column(&one, &b);
        assert!(two.starts_with("| capability | rustls | openssl |"), "{two}");
        assert!(two.contains("| ALPN | yes | no (Unsupported) |"), "{two}");
        assert_eq!(with_column(&two, &b), two);
        let mut b2 = b.clone();
        b2.alpn = false;
        assert!(with_column(&two, &b2).contains("| ALPN | no (Unsupported) | no (Unsupported) |"));
        assert_eq!(markdown(&[&b, &a]), two);
    }
}
