//! What the command's tests share: the binary, the fixtures, a running
//! `wiretls server`.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_wiretls");

pub fn fixture(name: &str) -> String {
    format!("{}/../conformance/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A running `wiretls server` (killed on drop) and its port.
pub struct Server(pub Child, pub u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `wiretls server` on 127.0.0.1 with the P-256 fixture chain and `args`.
pub fn server(args: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args(["server", "--listen", "127.0.0.1:0", "--cert", &fixture("server-p256.pem")])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start wiretls server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("its first line");
    let port =
        line.trim().rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("{line}"));
    Server(child, port)
}
