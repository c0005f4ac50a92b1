//! The external peers: `openssl s_server`/`s_client` and
//! `gnutls-serv`/`gnutls-cli`, as processes over 127.0.0.1.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, ChildStdin, Command};

use super::scenarios::{Kind, Pki, Scenario, SNI_NAME};

/// How long a tool may take to print what is waited for.
const PATIENCE: Duration = Duration::from_secs(10);

/// An external TLS implementation's command-line tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    /// `openssl s_server` / `openssl s_client`.
    Openssl,
    /// `gnutls-serv` / `gnutls-cli`.
    Gnutls,
}

impl Tool {
    /// The server's name in the table.
    pub(crate) fn server_name(self) -> &'static str {
        match self {
            Self::Openssl => "openssl s_server",
            Self::Gnutls => "gnutls-serv",
        }
    }

    /// The client's name in the table.
    pub(crate) fn client_name(self) -> &'static str {
        match self {
            Self::Openssl => "openssl s_client",
            Self::Gnutls => "gnutls-cli",
        }
    }

    /// Whether the tool's programs can be run here; `Err` says why not.
    pub(crate) fn available(self) -> Result<(), String> {
        let programs: &[&str] = match self {
            Self::Openssl => &["openssl"],
            Self::Gnutls => &["gnutls-serv", "gnutls-cli"],
        };
        for program in programs {
            let found = std::process::Command::new(program)
                .arg(if *program == "openssl" { "version" } else { "--version" })
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !found {
                return Err(format!("{program} is not installed"));
            }
        }
        Ok(())
    }
}

/// A running tool: its output collected as it comes.
pub(crate) struct ToolProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<Mutex<String>>,
    command: String,
}

impl ToolProcess {
    fn spawn(program: &str, args: &[String]) -> Result<Self, String> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {program}: {e}"))?;
        let output = Arc::new(Mutex::new(String::new()));
        let readers: Vec<Box<dyn AsyncRead + Send + Unpin>> = [
            child.stdout.take().map(|o| Box::new(o) as Box<dyn AsyncRead + Send + Unpin>),
            child.stderr.take().map(|e| Box::new(e) as Box<dyn AsyncRead + Send + Unpin>),
        ]
        .into_iter()
        .flatten()
        .collect();
        for mut reader in readers {
            let output = Arc::clone(&output);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = reader.read(&mut buf).await {
                    if let Ok(mut out) = output.lock() {
                        out.push_str(&String::from_utf8_lossy(&buf[..n]));
                    }
                }
            });
        }
        Ok(Self {
            stdin: child.stdin.take(),
            child,
            output,
            command: format!("{program} {}", args.join(" ")),
        })
    }

    fn output(&self) -> String {
        self.output.lock().map(|o| o.clone()).unwrap_or_default()
    }

    /// The tool's last lines, to append to an error.
    pub(crate) fn tail(&self) -> String {
        let out = self.output();
        let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
        let tail = lines[lines.len().saturating_sub(3)..].join(" | ");
        if tail.is_empty() {
            String::new()
        } else {
            format!(" [{}: {tail}]", self.command.split(' ').take(2).collect::<Vec<_>>().join(" "))
        }
    }

    /// Wait until the tool printed `pattern`; the output so far.
    pub(crate) async fn wait_for(&self, pattern: &str) -> Result<String, String> {
        let start = Instant::now();
        loop {
            let out = self.output();
            if out.contains(pattern) {
                return Ok(out);
            }
            if start.elapsed() > PATIENCE {
                return Err(format!("no {pattern:?} from the tool{}", self.tail()));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Write to the tool's stdin.
    pub(crate) async fn send(&mut self, data: &[u8]) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("the tool's stdin is closed")?;
        stdin.write_all(data).await.map_err(|e| format!("the tool's stdin: {e}"))?;
        stdin.flush().await.map_err(|e| format!("the tool's stdin: {e}"))
    }

    /// End the tool's stdin (its clients then close the connection).
    pub(crate) fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Wait for the tool's exit, which must be a success.
    pub(crate) async fn exited_cleanly(&mut self) -> Result<(), String> {
        match tokio::time::timeout(PATIENCE, self.child.wait()).await {
            Ok(Ok(status)) if status.success() => Ok(()),
            Ok(Ok(status)) => Err(format!("the tool exited with {status}{}", self.tail())),
            Ok(Err(e)) => Err(format!("the tool: {e}")),
            Err(_) => Err(format!("the tool did not exit{}", self.tail())),
        }
    }

    /// Stop the tool (a server serves until killed).
    pub(crate) async fn stop(mut self) {
        let _ = self.child.kill().await;
    }

    /// A tool's server for `scenario`, and the port it listens on.
    pub(crate) async fn server(tool: Tool, scenario: &Scenario, pki: &Pki) -> Result<(Self, u16), String> {
        let p = |name: &str| pki.path(name);
        match tool {
            Tool::Openssl => {
                let mut args: Vec<String> =
                    ["s_server", "-accept", "127.0.0.1:0", "-naccept", "1"].map(String::from).to_vec();
                args.push(if scenario.kind == Kind::ServerClose { "-www" } else { "-rev" }.into());
                if scenario.kind == Kind::Sni {
                    args.extend([
                        "-cert".into(),
                        p("server-p256.crt"),
                        "-key".into(),
                        p("server-p256.key"),
                        "-cert2".into(),
                        p("sni-alpha.crt"),
                        "-key2".into(),
                        p("sni-alpha.key"),
                        "-servername".into(),
                        SNI_NAME.into(),
                        "-build_chain".into(),
                        "-CAfile".into(),
                        p("root-and-inter-ca.pem"),
                    ]);
                } else {
                    args.extend([
                        "-cert".into(),
                        p("server-p256.crt"),
                        "-key".into(),
                        p("server-p256.key"),
                        // -cert takes the leaf only.
                        "-cert_chain".into(),
                        p("inter-ca.pem"),
                    ]);
                }
                match scenario.kind {
                    Kind::ClientAuth => args.extend([
                        "-Verify".into(),
                        "1".into(),
                        "-verify_return_error".into(),
                        "-CAfile".into(),
                        p("client-root-ca.pem"),
                    ]),
                    Kind::Alpn => args.extend(["-alpn".into(), "http/1.1".into()]),
                    _ => {}
                }
                let server = Self::spawn("openssl", &args)?;
                let out = server.wait_for("ACCEPT").await?;
                let port = out
                    .lines()
                    .find_map(|l| l.strip_prefix("ACCEPT "))
                    .and_then(|a| a.trim().rsplit(':').next())
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(|| format!("no port in s_server's ACCEPT line{}", server.tail()))?;
                Ok((server, port))
            }
            Tool::Gnutls => {
                let port = free_port()?;
                let mut args: Vec<String> = vec![
                    "-p".into(),
                    port.to_string(),
                    "--x509certfile".into(),
                    p("server-p256.crt"),
                    "--x509keyfile".into(),
                    p("server-p256.key"),
                ];
                // Without --echo, gnutls-serv is an HTTP server that closes after its page.
                if scenario.kind != Kind::ServerClose {
                    args.push("--echo".into());
                }
                match scenario.kind {
                    Kind::Sni => args.extend([
                        "--x509certfile".into(),
                        p("sni-alpha.crt"),
                        "--x509keyfile".into(),
                        p("sni-alpha.key"),
                    ]),
                    Kind::ClientAuth => args.extend([
                        "--require-client-cert".into(),
                        "--verify-client-cert".into(),
                        "--x509cafile".into(),
                        p("client-root-ca.pem"),
                    ]),
                    Kind::Alpn => args.extend(["--alpn".into(), "http/1.1".into()]),
                    _ => {}
                }
                let server = Self::spawn("gnutls-serv", &args)?;
                server.wait_for("listening").await?;
                Ok((server, port))
            }
        }
    }

    /// A tool's client for `scenario`, connecting to `port`.
    pub(crate) fn client(tool: Tool, port: u16, scenario: &Scenario, pki: &Pki) -> Result<Self, String> {
        let name = scenario.server_name().to_owned();
        let p = |file: &str| pki.path(file);
        match tool {
            Tool::Openssl => {
                let mut args: Vec<String> = vec![
                    "s_client".into(),
                    "-connect".into(),
                    format!("127.0.0.1:{port}"),
                    "-servername".into(),
                    name.clone(),
                    "-verify_hostname".into(),
                    name,
                    "-CAfile".into(),
                    p("root-ca.pem"),
                    "-verify_return_error".into(),
                    "-brief".into(),
                ];
                match scenario.kind {
                    Kind::ClientAuth => {
                        args.extend(["-cert".into(), p("client1.crt"), "-key".into(), p("client1.key")]);
                    }
                    Kind::Alpn => args.extend(["-alpn".into(), "h2,http/1.1".into()]),
                    _ => {}
                }
                Self::spawn("openssl", &args)
            }
            Tool::Gnutls => {
                let mut args: Vec<String> = vec![
                    "-p".into(),
                    port.to_string(),
                    "127.0.0.1".into(),
                    "--sni-hostname".into(),
                    name.clone(),
                    "--verify-hostname".into(),
                    name,
                    "--x509cafile".into(),
                    p("root-ca.pem"),
                ];
                match scenario.kind {
                    Kind::ClientAuth => args.extend([
                        "--x509certfile".into(),
                        p("client1.crt"),
                        "--x509keyfile".into(),
                        p("client1.key"),
                    ]),
                    Kind::Alpn => {
                        args.extend(["--alpn".into(), "h2".into(), "--alpn".into(), "http/1.1".into()])
                    }
                    _ => {}
                }
                Self::spawn("gnutls-cli", &args)
            }
        }
    }
}

/// A port for a tool that cannot pick one (see `wiretls_testpki::ports`).
fn free_port() -> Result<u16, String> {
    wiretls_testpki::ports::tool_port().map_err(|e| format!("a port for the tool: {e}"))
}

/// Connect to a tool's server, which may still be starting to listen.
pub(crate) async fn connect(port: u16) -> Result<TcpStream, String> {
    let start = Instant::now();
    loop {
        match TcpStream::connect(("127.0.0.1", port)).await {
            Ok(tcp) => return Ok(tcp),
            Err(e) if start.elapsed() > PATIENCE => return Err(format!("connect to port {port}: {e}")),
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}
