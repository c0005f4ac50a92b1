//! The `wiretls` command over 127.0.0.1: its exit status, its output, and
//! real peers (curl) against `wiretls server`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

mod common;

use common::{fixture, server, BIN};

fn client(port: u16, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(["client", "--connect", &format!("127.0.0.1:{port}")])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start wiretls client");
    child.stdin.take().expect("stdin").write_all(stdin).expect("write stdin");
    child.wait_with_output().expect("the client's output")
}

fn trusted<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--servername", "server.wiretls.test"];
    all.extend_from_slice(args);
    all
}

#[test]
fn brief_handshake_across_engines() {
    let root = fixture("root-ca.pem");
    for server_engine in ["rustls", "openssl"] {
        let s = server(&["--engine", server_engine, "--www"]);
        for client_engine in ["rustls", "rustls-ring", "openssl"] {
            let out = client(s.1, &trusted(&["--cafile", &root, "--engine", client_engine, "--brief"]), b"");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{client_engine} -> {server_engine}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout.starts_with("TLSv1.3 TLS13_"), "{stdout}");
        }
    }
}

/// native-tls (`--engine native-tls`) as a client of the other engines, and
/// as a server: its server negotiates TLS 1.2 (docs/engines.md).
#[test]
fn native_tls_client_and_server() {
    let root = fixture("root-ca.pem");
    for server_engine in ["rustls", "openssl"] {
        let s = server(&["--engine", server_engine, "--www"]);
        let out = client(s.1, &trusted(&["--cafile", &root, "--engine", "native-tls", "--brief"]), b"");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "native-tls -> {server_engine}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.starts_with("TLSv1.3 TLS13_"), "{stdout}");
    }
    let s = server(&["--engine", "native-tls", "--www"]);
    let out = client(s.1, &trusted(&["--cafile", &root, "--engine", "rustls", "--brief"]), b"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "rustls -> native-tls: {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("TLSv1.2 TLS_ECDHE_"), "{stdout}");
}

#[test]
fn chosen_version_suite_group_and_alpn_are_negotiated() {
    let root = fixture("root-ca.pem");
    let s = server(&["--engine", "openssl", "--www", "--alpn", "h2,http/1.1"]);
    let out = client(
        s.1,
        &trusted(&[
            "--cafile",
            &root,
            "--tls1.2",
            "--ciphers",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "--groups",
            "secp256r1",
            "--alpn",
            "http/1.1",
            "--brief",
        ]),
        b"",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 secp256r1 alpn=http/1.1"
    );
}

#[test]
fn an_untrusted_server_fails_with_the_reason_and_the_server_goes_on() {
    let s = server(&["--www"]);
    let out = client(s.1, &trusted(&["--cafile", &fixture("other-root-ca.pem"), "--brief"]), b"");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("UnknownIssuer") && stderr.contains("unknown_ca"), "{stderr}");
    let again = client(s.1, &trusted(&["--cafile", &fixture("root-ca.pem"), "--brief"]), b"");
    assert!(again.status.success(), "the server stopped after a failed connection");
}

#[test]
fn an_ip_address_is_verified_against_ip_names() {
    let s = server(&["--www"]);
    // No --servername: the host 127.0.0.1 is the name, matched to the IP SAN.
    let out = client(s.1, &["--cafile", &fixture("root-ca.pem"), "--brief"], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn www_page_for_curl_and_the_client() {
    let s = server(&["--engine", "openssl", "--www"]);
    let curl = Command::new("curl")
        .args(["--silent", "--show-error", "--fail", "--cacert", &fixture("root-ca.pem")])
        .args(["--resolve", &format!("server.wiretls.test:{}:127.0.0.1", s.1)])
        .arg(format!("https://server.wiretls.test:{}/", s.1))
        .output()
        .expect("run curl");
    let page = String::from_utf8_lossy(&curl.stdout);
    assert!(curl.status.success(), "{}", String::from_utf8_lossy(&curl.stderr));
    assert!(page.contains("engine        openssl\n") && page.contains("version       TLSv1.3\n"), "{page}");
    let out =
        client(s.1, &trusted(&["--cafile", &fixture("root-ca.pem"), "--ign-eof"]), b"GET / HTTP/1.0\r\n\r\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.starts_with("HTTP/1.0 200 OK"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("peer chain    2 certificate(s)")
            && stderr.contains("names     localhost, server.wiretls.test, 127.0.0.1"),
        "{stderr}"
    );
}

#[test]
fn client_certificates_required_and_sent() {
    let s = server(&["--www", "--client-ca", &fixture("client-root-ca.pem"), "--require-client-cert"]);
    let root = fixture("root-ca.pem");
    let with = client(
        s.1,
        &trusted(&["--cafile", &root, "--cert", &fixture("client1.pem"), "--ign-eof"]),
        b"GET / HTTP/1.0\r\n\r\n",
    );
    let page = String::from_utf8_lossy(&with.stdout);
    assert!(with.status.success(), "{}", String::from_utf8_lossy(&with.stderr));
    assert!(
        page.contains("peer chain    1 certificate(s)") && page.contains("CN=wiretls client one"),
        "the server saw the client's chain: {page}"
    );
    let without = client(s.1, &trusted(&["--cafile", &root, "--ign-eof"]), b"GET / HTTP/1.0\r\n\r\n");
    assert_eq!(without.status.code(), Some(1), "{}", String::from_utf8_lossy(&without.stdout));
}

#[test]
fn echo_relays_stdin_and_stdout() {
    let s = server(&["--engine", "openssl", "--echo"]);
    let mut child = Command::new(BIN)
        .args(["client", "--connect", &format!("127.0.0.1:{}", s.1)])
        .args(trusted(&["--cafile", &fixture("root-ca.pem")]))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start wiretls client");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"hello over wiretls\n").expect("write stdin");
    // The end of stdin only after the echo came back: the close_notify it
    // sends would otherwise race the echo (the server answers it at once).
    let mut echoed = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut echoed).expect("the echo");
    assert_eq!(echoed, "hello over wiretls\n");
    drop(stdin);
    let out = child.wait_with_output().expect("the client's end");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn boring_is_refused_with_why() {
    let out = client(1, &["--engine", "boring"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("BoringSSL cannot be linked beside OpenSSL"));
}

/// `interop --engines native-tls,rustls`: native-tls's cells pass, or end
/// at its declared refusal ("unsupported"), never fail.
#[test]
fn interop_with_native_tls_passes_or_ends_at_declared_refusals() {
    let out = Command::new(BIN)
        .args(["interop", "--json", "--no-tools", "--engines", "native-tls", "--engines", "rustls"])
        .output()
        .expect("run wiretls interop");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}\n{text}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let cells = json["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 4 * 12, "{text}");
    for cell in cells {
        let (client, server, scenario) =
            (&cell["client"], &cell["server"], cell["scenario"].as_str().unwrap_or(""));
        let outcome = cell["outcome"].as_str().unwrap_or("");
        let detail = cell["detail"].as_str().unwrap_or("");
        match (outcome, scenario) {
            ("pass", _) => {}
            // A native-tls server negotiates TLS 1.2 only, and chooses no suites.
            ("unsupported", _) if detail.starts_with("native-tls declares it lacks") => {}
            _ => panic!("{client} -> {server} {scenario}: {outcome} {detail}"),
        }
        if server == "native-tls" && outcome == "pass" {
            assert!(detail.starts_with("TLSv1.2 "), "{cell}");
        }
    }
    let unsupported = cells.iter().filter(|c| c["outcome"] == "unsupported").count();
    assert!(unsupported >= 10, "{unsupported} declared refusals");
}

#[test]
fn interop_matrix_every_engine_and_tool_pair_passes_with_the_negotiated_outcome() {
    let out = Command::new(BIN).args(["interop", "--json"]).output().expect("run wiretls interop");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}\n{text}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let cells = json["cells"].as_array().expect("cells");
    let engines = ["rustls", "rustls-ring", "openssl"];
    // 3 x 3 engine pairs and each engine against the two tools' clients and servers.
    assert_eq!(cells.len(), (9 + 3 * 4) * 12, "{text}");
    for cell in cells {
        let (scenario, detail) =
            (cell["scenario"].as_str().unwrap_or(""), cell["detail"].as_str().unwrap_or(""));
        assert_eq!(cell["outcome"], "pass", "{cell}");
        let expected = match scenario {
            "tls1.2" => "TLSv1.2 ",
            "12-aes128" => "TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ",
            "12-chacha" => "TLSv1.2 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ",
            "13-aes256" => "TLSv1.3 TLS13_AES_256_GCM_SHA384 ",
            _ => "TLSv1.",
        };
        assert!(detail.starts_with(expected), "{cell}");
        if scenario == "alpn" {
            assert!(detail.ends_with("alpn=http/1.1"), "{cell}");
        }
    }
    for tool in ["openssl s_client", "gnutls-cli"] {
        for engine in engines {
            assert!(cells.iter().any(|c| c["client"] == tool && c["server"] == engine), "{tool} -> {engine}");
        }
    }
    let left_out = json["left_out"].as_array().expect("left_out");
    assert_eq!(left_out.len(), 1, "only BoringSSL is left out here: {left_out:?}");
}

#[test]
fn interop_table_and_an_unknown_scenario() {
    let out = Command::new(BIN)
        .args(["interop", "--engines", "rustls", "--no-tools", "--scenarios", "sni,client-auth"])
        .output()
        .expect("run wiretls interop");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{table}");
    assert!(table.contains("rustls -> rustls") && table.contains("2 passed, 0 failed"), "{table}");
    let out = Command::new(BIN).args(["interop", "--scenarios", "nope"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such scenario (known: tls1.2"));
}

#[test]
fn bench_measures_both_paths_and_writes_json_and_charts() {
    let dir = std::env::temp_dir().join(format!("wiretls-cli-svg-{}", std::process::id()));
    // OpenSSL only: its cryptography is C, so a debug build of the command still runs in seconds.
    let out = Command::new(BIN)
        .args(["bench", "--engines", "openssl", "--json", "--svg"])
        .arg(&dir)
        .output()
        .expect("run wiretls bench");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON records");
    let records = records.as_array().expect("an array");
    for path in ["wiretls", "native"] {
        for test in ["Handshake", "Bulk", "LoopbackThroughput", "Memory"] {
            assert!(
                records.iter().any(|r| r["path"] == path
                    && r["engine"] == "openssl"
                    && (r["test"].get(test).is_some() || r["test"] == test)),
                "no {test} record of the {path} path"
            );
        }
    }
    for chart in ["bench-bulk.svg", "bench-handshakes.svg", "bench-ratios.svg"] {
        let svg = std::fs::read_to_string(dir.join(chart)).expect("a chart");
        assert!(svg.starts_with("<svg"), "{chart}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(BIN).args(["bench", "--engines", "nope"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown engine \"nope\" for bench"));
}

#[test]
fn the_server_lists_what_it_offers_and_legacy_suites_are_refused_with_why() {
    let out = Command::new(BIN)
        .args(["server", "--list-suites", "--engine", "openssl", "--tls1.3"])
        .output()
        .expect("run wiretls server --list-suites");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("suite  TLSv1.3 TLS13_CHACHA20_POLY1305_SHA256\n"), "{text}");
    assert!(!text.contains("TLSv1.2"), "--tls1.3 lists TLS 1.2 suites: {text}");
    assert!(text.contains("group  x25519\n"), "{text}");
    let rustls = Command::new(BIN).args(["server", "--list-suites"]).output().expect("run");
    assert!(!String::from_utf8_lossy(&rustls.stdout).contains("TLS_DHE_RSA"), "rustls has no DHE");
    for legacy in ["TLS_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA256", "TLS_AES_128_CCM_SHA256"] {
        let out =
            Command::new(BIN).args(["server", "--list-suites", "--ciphers", legacy]).output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{legacy}");
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(
            why.contains("a legacy suite; wiretls offers AEAD suites with forward secrecy only"),
            "{why}"
        );
    }
}
