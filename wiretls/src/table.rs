//! The capability table, generated from the engines' own declarations (the
//! same data the conformance suite reads). README.md and docs/engines.md
//! hold a copy; a test keeps them equal.

use std::fmt::Write;

use crate::{AlertSending, Capabilities, CipherSuite, Engine, KeyType, ProtocolVersion};

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
pub fn markdown(engines: &[&dyn Engine]) -> String {
    let caps: Vec<&Capabilities> = engines.iter().map(|e| e.capabilities()).collect();
    let mut out = String::new();
    let _ = write!(out, "| capability |");
    for c in &caps {
        let _ = write!(out, " {} |", c.engine);
    }
    out.push('\n');
    out.push_str("|---|");
    out.push_str(&"---|".repeat(caps.len()));
    out.push('\n');
    let mut row = |name: &str, cell: &dyn Fn(&Capabilities) -> String| {
        let _ = write!(out, "| {name} |");
        for c in &caps {
            let _ = write!(out, " {} |", cell(c));
        }
        out.push('\n');
    };
    for v in ProtocolVersion::ALL {
        row(&v.to_string(), &|c| yes(c.versions.contains(v)).into());
    }
    for s in CipherSuite::ALL {
        row(s.name(), &|c| yes(c.offers_suite(*s)).into());
    }
    for k in KeyType::COMMON {
        row(&format!("{k:?} certificates"), &|c| yes(c.key_types.contains(k)).into());
    }
    row("key-exchange groups", &|c| list(c.groups));
    row("choosing TLS 1.3 suites", &|c| yes(c.tls13_suite_selection).into());
    row("dh_params (DHE)", &|c| yes(c.dh_params).into());
    row("ServerCertificates answering later", &|c| yes(c.later_server_certificate_answer).into());
    row("ClientCertificateStore answering later", &|c| yes(c.later_client_certificate_answer).into());
    row("send_alert", &|c| {
        match c.alert_sending {
            AlertSending::CloseNotifyOnly => "close_notify only (others Unsupported)",
            AlertSending::FatalOnly => "fatal alerts and close_notify",
            AlertSending::Any => "any",
        }
        .into()
    });
    row("verify-callback veto alerts", &|c| {
        c.verify_alerts.iter().map(|a| a.name().unwrap_or("?")).collect::<Vec<_>>().join(", ")
    });
    row("session id reported", &|c| yes(c.session_id).into());
    row("resumption", &|c| yes(c.resumption).into());
    row("ALPN", &|c| yes(c.alpn).into());
    out
}

/// The table of every engine compiled in.
pub fn markdown_for_all() -> String {
    let engines = crate::engines();
    let refs: Vec<&dyn Engine> = engines.iter().map(|e| &**e).collect();
    markdown(&refs)
}
