//! Real external peers: `openssl s_server` / `s_client` and `gnutls-serv` /
//! `gnutls-cli` as processes on 127.0.0.1, against a wiretls connection
//! driven over a TCP socket.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiretls_core::{ClientTls, Connection, Engine, Error, Outbox, ServerTls};

/// How long any wait lasts at most.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// A peer program, with its merged stdout and stderr collected.
pub struct Process {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<Mutex<Vec<u8>>>,
    command: String,
}

impl Process {
    /// Start `program` with `args`.
    ///
    /// # Panics
    /// When the program cannot be started (is it installed?).
    pub fn spawn(program: &str, args: &[String]) -> Self {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program} (is it installed?): {e}"));
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut readers: Vec<Box<dyn Read + Send>> = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(Box::new(out));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(Box::new(err));
        }
        for mut reader in readers {
            let sink = Arc::clone(&output);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock().expect("output lock").extend_from_slice(&buf[..n]);
                }
            });
        }
        let stdin = child.stdin.take();
        Self { child, stdin, output, command: format!("{program} {}", args.join(" ")) }
    }

    /// Everything the program printed so far.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().expect("output lock")).into_owned()
    }

    /// Wait until the output contains `pattern`.
    ///
    /// # Panics
    /// After [`PATIENCE`], showing the output.
    pub fn wait_for(&self, pattern: &str) {
        let start = Instant::now();
        while !self.output().contains(pattern) {
            assert!(start.elapsed() < PATIENCE, "{}: no {pattern:?} in:\n{}", self.command, self.output());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Write to the program's standard input.
    ///
    /// # Panics
    /// When stdin is closed.
    pub fn send(&mut self, data: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(data).expect("write to stdin");
        stdin.flush().expect("flush stdin");
    }

    /// Close the program's standard input (end of file).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Wait for the program to exit.
    pub fn wait_exit(&mut self) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port for an external server, free a moment ago, below the kernel's
/// ephemeral range (see [`wiretls_testpki::ports`]: a released `bind(0)`
/// port may go to another test's listener before the tool binds it).
///
/// # Panics
/// When no port can be bound.
pub fn free_port() -> u16 {
    wiretls_testpki::ports::tool_port().expect("a free port")
}

/// A wiretls connection driven over a TCP socket.
pub struct Tcp {
    /// The connection.
    pub conn: Connection,
    stream: TcpStream,
    out: Outbox,
    /// Application data received.
    pub received: Vec<u8>,
    /// Errors the connection returned.
    pub errors: Vec<Error>,
    /// The transport ended (and `wire_eof` was called).
    pub eof: bool,
    /// The transport's own failure (a reset), if that is how it ended.
    pub transport_error: Option<String>,
    write_closed: bool,
}

impl Tcp {
    /// Connect to 127.0.0.1:`port` (retrying while the peer starts) and
    /// start a client.
    ///
    /// # Panics
    /// When nothing listens within [`PATIENCE`] or the client fails to start.
    pub fn connect(engine: &dyn Engine, tls: &ClientTls, port: u16) -> Self {
        let start = Instant::now();
        let stream = loop {
            match TcpStream::connect(("127.0.0.1", port)) {
                Ok(s) => break s,
                Err(e) => {
                    assert!(start.elapsed() < PATIENCE, "connect to {port}: {e}");
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        };
        let out = Outbox::new();
        let conn = tls.start(engine, out.wire()).expect("start the client");
        Self::new(conn, stream, out)
    }

    /// Accept one connection on `listener` and start a server.
    ///
    /// # Panics
    /// When no client comes within [`PATIENCE`] or the server fails to start.
    pub fn accept(engine: &dyn Engine, tls: &ServerTls, listener: &TcpListener) -> Self {
        listener.set_nonblocking(true).expect("nonblocking listener");
        let start = Instant::now();
        let stream = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(e) => {
                    assert!(start.elapsed() < PATIENCE, "accept: {e}");
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        };
        stream.set_nonblocking(false).expect("blocking stream");
        let out = Outbox::new();
        let conn = tls
            .start(engine, out.wire())
            .map_err(|e| crate::unsupported::check(engine, e))
            .expect("start the server");
        Self::new(conn, stream, out)
    }

    fn new(conn: Connection, stream: TcpStream, out: Outbox) -> Self {
        stream.set_read_timeout(Some(Duration::from_millis(20))).expect("read timeout");
        stream.set_nodelay(true).expect("nodelay");
        Self {
            conn,
            stream,
            out,
            received: Vec::new(),
            errors: Vec::new(),
            eof: false,
            transport_error: None,
            write_closed: false,
        }
    }

    /// Move bytes until `done` holds, an error occurs, or the stream ends.
    /// Returns whether `done` held.
    pub fn pump_until(&mut self, mut done: impl FnMut(&Self) -> bool) -> bool {
        let start = Instant::now();
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            self.flush();
            if done(self) {
                return true;
            }
            if !self.errors.is_empty() || self.eof || start.elapsed() > PATIENCE {
                return false;
            }
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    self.eof = true;
                    if let Err(e) = self.conn.wire_eof() {
                        self.errors.push(e);
                    }
                }
                Ok(n) => {
                    if let Err(e) = self.conn.data_from_wire_into(&buf[..n], &mut self.received) {
                        self.errors.push(e);
                    }
                }
                Err(e)
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => {
                    // The transport failed (a reset): say so, it is not a TLS result.
                    self.eof = true;
                    self.transport_error = Some(e.to_string());
                }
            }
        }
    }

    /// Send what the connection wrote; close the write side once it asked.
    fn flush(&mut self) {
        let bytes = self.out.take();
        if !bytes.is_empty() {
            let _ = self.stream.write_all(&bytes);
        }
        if self.out.close_requested().is_some() && !self.write_closed {
            self.write_closed = true;
            let _ = self.stream.shutdown(Shutdown::Write);
        }
    }

    /// Run the handshake to its end.
    ///
    /// # Panics
    /// When it fails.
    pub fn handshake(&mut self) {
        let start = Instant::now();
        let ok = self.pump_until(|t| !t.conn.is_handshaking());
        assert!(
            ok,
            "handshake did not complete: errors {:?}, transport ended {} ({:?}), after {:?}",
            self.errors,
            self.eof,
            self.transport_error,
            start.elapsed()
        );
    }

    /// Send application data.
    ///
    /// # Panics
    /// When the connection refuses it.
    pub fn send(&mut self, data: &[u8]) {
        self.conn.data_from_application(data).expect("send");
        self.flush();
    }

    /// Wait until `expected` was received.
    ///
    /// # Panics
    /// When it was not.
    pub fn expect(&mut self, expected: &[u8]) {
        let ok = self.pump_until(|t| t.received.windows(expected.len()).any(|w| w == expected));
        assert!(
            ok,
            "did not receive {:?}; got {:?}, errors {:?}",
            String::from_utf8_lossy(expected),
            String::from_utf8_lossy(&self.received),
            self.errors
        );
    }
}
