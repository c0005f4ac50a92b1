//! OpenSSL driven directly over two memory BIOs (`BIO_s_mem`, `SSL_set_bio`)
//! and `SSL_read_ex` / `SSL_write_ex` (path `membio`): the other way to
//! drive OpenSSL without a socket, next to the `SslStream` over `MemIo` of
//! the native path and the engine. Configured alike (the shared contexts of
//! `native.rs`); measured by callgrind to choose between the two (issue 11).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{c_int, c_void};

use foreign_types::ForeignType;
use openssl::ssl::{Ssl, SslContext, SslVersion};
use openssl_sys as ffi;
use wiretls_bench::harness::{Endpoint, Path, Setup};
use wiretls_core::{CipherSuite, NamedGroup, ProtocolVersion};

use crate::native::{client_context, client_ssl, err, server_context};

/// `BIO_CTRL_PENDING` (`BIO_ctrl_pending` is a macro over it).
const BIO_CTRL_PENDING: c_int = 10;

/// OpenSSL over memory BIOs.
#[derive(Default)]
pub(crate) struct Membio {
    clients: RefCell<HashMap<Setup, SslContext>>,
    servers: RefCell<HashMap<Setup, SslContext>>,
}

struct MembioEndpoint {
    ssl: Ssl,
    /// Owned by `ssl` (`SSL_set_bio`): freed with it.
    rbio: *mut ffi::BIO,
    wbio: *mut ffi::BIO,
    out: Vec<u8>,
    done: bool,
}

impl MembioEndpoint {
    fn new(ssl: Ssl, client: bool) -> Result<Self, String> {
        // SAFETY: two new memory BIOs handed to a live SSL, which owns them
        // from here on and frees them with itself.
        let (rbio, wbio) = unsafe {
            let rbio = ffi::BIO_new(ffi::BIO_s_mem());
            let wbio = ffi::BIO_new(ffi::BIO_s_mem());
            if rbio.is_null() || wbio.is_null() {
                return Err("BIO_new failed".into());
            }
            ffi::SSL_set_bio(ssl.as_ptr(), rbio, wbio);
            if client {
                ffi::SSL_set_connect_state(ssl.as_ptr());
            } else {
                ffi::SSL_set_accept_state(ssl.as_ptr());
            }
            (rbio, wbio)
        };
        Ok(Self { ssl, rbio, wbio, out: Vec::new(), done: false })
    }

    /// The error of a failed call that returned `ret`; `WANT_READ` is no error.
    fn check(&self, ret: c_int, what: &str) -> bool {
        // SAFETY: the live SSL whose call returned `ret`.
        let code = unsafe { ffi::SSL_get_error(self.ssl.as_ptr(), ret) };
        assert_eq!(code, ffi::SSL_ERROR_WANT_READ, "{what}: SSL error {code}");
        false
    }

    /// Move what OpenSSL wrote into the write BIO to `out`.
    fn drain(&mut self) {
        // SAFETY: the write BIO is live while `ssl` is; BIO_read writes at
        // most `pending` bytes into the spare capacity reserved for them.
        unsafe {
            let pending = ffi::BIO_ctrl(self.wbio, BIO_CTRL_PENDING, 0, std::ptr::null_mut());
            let pending = usize::try_from(pending).unwrap_or(0);
            if pending == 0 {
                return;
            }
            self.out.reserve(pending);
            let start = self.out.len();
            let len = c_int::try_from(pending).unwrap_or(c_int::MAX);
            let n = ffi::BIO_read(self.wbio, self.out.as_mut_ptr().add(start).cast::<c_void>(), len);
            self.out.set_len(start + usize::try_from(n).unwrap_or(0));
        }
    }
}

impl Endpoint for MembioEndpoint {
    fn feed(&mut self, input: &[u8], plaintext: &mut Vec<u8>) {
        // SAFETY: the read BIO is live; BIO_write copies `input`.
        let len = c_int::try_from(input.len()).expect("a feed under 2 GiB");
        unsafe { ffi::BIO_write(self.rbio, input.as_ptr().cast::<c_void>(), len) };
        if !self.done {
            // SAFETY: a live SSL with its BIOs set.
            let ret = unsafe { ffi::SSL_do_handshake(self.ssl.as_ptr()) };
            self.done = ret == 1 || self.check(ret, "handshake");
        }
        if self.done {
            loop {
                plaintext.reserve(16 * 1024);
                let start = plaintext.len();
                let mut n = 0usize;
                // SAFETY: SSL_read_ex writes at most the spare capacity's
                // length into it and reports how much in `n`.
                let ret = unsafe {
                    ffi::SSL_read_ex(
                        self.ssl.as_ptr(),
                        plaintext.as_mut_ptr().add(start).cast::<c_void>(),
                        plaintext.capacity() - start,
                        &mut n,
                    )
                };
                if ret != 1 {
                    self.check(ret, "read");
                    break;
                }
                // SAFETY: the first `n` bytes of the spare capacity were written.
                unsafe { plaintext.set_len(start + n) };
            }
        }
        self.drain();
    }

    fn send(&mut self, data: &[u8]) {
        let mut written = 0usize;
        // SAFETY: SSL_write_ex reads `data` and writes the records into the
        // write BIO; with memory BIOs it writes everything or fails.
        let ret = unsafe {
            ffi::SSL_write_ex(self.ssl.as_ptr(), data.as_ptr().cast::<c_void>(), data.len(), &mut written)
        };
        assert!(ret == 1 && written == data.len(), "write");
        self.drain();
    }

    fn output(&mut self) -> &mut Vec<u8> {
        &mut self.out
    }

    fn handshaking(&self) -> bool {
        !self.done
    }

    fn negotiated(&self) -> (Option<ProtocolVersion>, Option<CipherSuite>, Option<NamedGroup>) {
        let version = match self.ssl.version2() {
            Some(v) if v == SslVersion::TLS1_3 => Some(ProtocolVersion::Tls13),
            Some(v) if v == SslVersion::TLS1_2 => Some(ProtocolVersion::Tls12),
            _ => None,
        };
        let suite = self
            .ssl
            .current_cipher()
            .and_then(|c| CipherSuite::from_iana(u16::from_be_bytes(c.protocol_id())));
        (version, suite, None)
    }
}

impl Path for Membio {
    fn engine(&self) -> &str {
        "openssl"
    }

    fn path(&self) -> &'static str {
        "membio"
    }

    fn client(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut clients = self.clients.borrow_mut();
        if !clients.contains_key(setup) {
            clients.insert(*setup, client_context(setup)?);
        }
        let mut endpoint = MembioEndpoint::new(client_ssl(&clients[setup])?, true)?;
        // SAFETY: a live SSL with its BIOs set: the ClientHello.
        let ret = unsafe { ffi::SSL_do_handshake(endpoint.ssl.as_ptr()) };
        endpoint.check(ret, "first flight");
        endpoint.drain();
        Ok(Box::new(endpoint))
    }

    fn server(&self, setup: &Setup) -> Result<Box<dyn Endpoint>, String> {
        let mut servers = self.servers.borrow_mut();
        if !servers.contains_key(setup) {
            servers.insert(*setup, server_context(setup)?);
        }
        let ssl = Ssl::new(&servers[setup]).map_err(err)?;
        Ok(Box::new(MembioEndpoint::new(ssl, false)?))
    }
}
