//! The null engine: wiretls's API over records without any cryptography, to
//! show what the harness and wiretls's own layers cost.

use wiretls_core::engine::{Session, SessionContext, SessionStatus};
use wiretls_core::{
    Alert, AlertSending, Capabilities, CipherSuite, ClientTls, ConnectionInfo, Engine, Error, KeyType,
    NamedGroup, ProtocolVersion, ServerTls, Side,
};

/// The null engine (engine name `null`).
#[derive(Debug, Default)]
pub struct NullEngine;

const fn caps() -> Capabilities {
    let mut c = Capabilities::NONE.with_full_control();
    c.engine = "null";
    c.versions = ProtocolVersion::ALL;
    c.server_versions = c.versions;
    c.cipher_suites = CipherSuite::ALL;
    c.key_types = KeyType::COMMON;
    c.groups = &[NamedGroup::X25519, NamedGroup::X25519MLKEM768, NamedGroup::SECP256R1];
    c.tls13_suite_selection = true;
    c.alert_sending = AlertSending::CloseNotifyOnly;
    c
}

static CAPS: Capabilities = caps();

/// The largest record body.
const MAX_RECORD: usize = 16 * 1024;

struct NullSession {
    side: Side,
    established: bool,
    hello_sent: bool,
    version: Option<ProtocolVersion>,
    suite: Option<CipherSuite>,
    group: Option<NamedGroup>,
    /// Bytes of an incomplete record.
    partial: Vec<u8>,
}

impl NullSession {
    fn new(
        side: Side,
        versions: &[ProtocolVersion],
        suites: &[CipherSuite],
        groups: Option<&[NamedGroup]>,
    ) -> Self {
        Self {
            side,
            established: false,
            hello_sent: false,
            version: versions.last().copied(),
            suite: suites.first().copied(),
            group: groups.and_then(|g| g.first().copied()),
            partial: Vec::new(),
        }
    }

    fn record(out: &mut Vec<u8>, kind: u8, body: &[u8]) {
        out.extend_from_slice(&[kind, 3, 3]);
        out.extend_from_slice(&(body.len() as u16).to_be_bytes());
        out.extend_from_slice(body);
    }

    /// Handle complete records at the front of `input`; return what is left.
    fn records<'a>(&mut self, mut input: &'a [u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> &'a [u8] {
        while input.len() >= 5 {
            let len = usize::from(u16::from_be_bytes([input[3], input[4]]));
            if input.len() < 5 + len {
                break;
            }
            let body = &input[5..5 + len];
            match input[0] {
                23 => plaintext.extend_from_slice(body),
                22 => {
                    if self.side == Side::Server && !self.hello_sent {
                        Self::record(out, 22, &[2]);
                        self.hello_sent = true;
                    }
                    self.established = true;
                }
                _ => {}
            }
            input = &input[5 + len..];
        }
        input
    }
}

impl Session for NullSession {
    fn read_tls(&mut self, input: &[u8], plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.partial.is_empty() {
            let rest = self.records(input, plaintext, out);
            self.partial.extend_from_slice(rest);
        } else {
            let mut joined = std::mem::take(&mut self.partial);
            joined.extend_from_slice(input);
            let rest = self.records(&joined, plaintext, out).to_vec();
            self.partial = rest;
        }
        Ok(())
    }

    fn write_plaintext(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        for chunk in data.chunks(MAX_RECORD) {
            Self::record(out, 23, chunk);
        }
        Ok(())
    }

    fn proceed(&mut self, _plaintext: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.side == Side::Client && !self.hello_sent {
            Self::record(out, 22, &[1]);
            self.hello_sent = true;
        }
        Ok(())
    }

    fn close_notify(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        Self::record(out, 21, &[1, 0]);
        Ok(())
    }

    fn send_alert(&mut self, alert: Alert, _out: &mut Vec<u8>) -> Result<(), Error> {
        Err(CAPS.unsupported(wiretls_core::Feature::SendAlert(alert.description)))
    }

    fn status(&self) -> SessionStatus {
        SessionStatus::new(!self.established)
    }

    fn info(&self) -> ConnectionInfo {
        let mut info = ConnectionInfo::new(self.side);
        info.handshake_complete = self.established;
        info.version = self.version;
        info.cipher_suite = self.suite;
        info.key_exchange_group = self.group;
        info
    }

    fn peer_certificates(&self) -> Vec<wiretls_core::Certificate> {
        Vec::new()
    }
}

impl Engine for NullEngine {
    fn name(&self) -> &'static str {
        CAPS.engine
    }

    fn capabilities(&self) -> &Capabilities {
        &CAPS
    }

    fn start_client(&self, tls: &ClientTls, _context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(NullSession::new(Side::Client, tls.versions(), tls.cipher_suites(), tls.groups())))
    }

    fn start_server(&self, tls: &ServerTls, _context: SessionContext) -> Result<Box<dyn Session>, Error> {
        Ok(Box::new(NullSession::new(Side::Server, tls.versions(), tls.cipher_suites(), tls.groups())))
    }
}
