//! An in-memory client/server pair (quinn-proto's `Pair` is the model): two
//! connections joined by [`Outbox`]es, a step function that carries bytes,
//! a tamper hook on each direction, and a record of everything each side
//! saw. No clock: wiretls connections have no timers.

use wiretls_core::{ClientTls, Connection, Engine, Error, Outbox, ServerTls, VerifyCallback};

/// Which way bytes travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the client to the server.
    ToServer,
    /// From the server to the client.
    ToClient,
}

/// What happens to a flight of bytes in transit. Returns the pieces to
/// deliver, in order, each in its own `data_from_wire` call.
pub trait Tamper: Send {
    /// Transform one flight (everything one side wrote since the last step).
    fn tamper(&mut self, direction: Direction, flight: Vec<u8>) -> Vec<Vec<u8>>;
}

impl<F: FnMut(Direction, Vec<u8>) -> Vec<Vec<u8>> + Send> Tamper for F {
    fn tamper(&mut self, direction: Direction, flight: Vec<u8>) -> Vec<Vec<u8>> {
        self(direction, flight)
    }
}

/// Split every flight into pieces of `n` bytes.
pub fn split_into(n: usize) -> impl Tamper {
    move |_: Direction, flight: Vec<u8>| flight.chunks(n.max(1)).map(<[u8]>::to_vec).collect()
}

/// What one side saw.
#[derive(Debug, Default)]
pub struct SideLog {
    /// Application data received, in order.
    pub received: Vec<u8>,
    /// Every error a call returned, in order.
    pub errors: Vec<Error>,
    /// What `wire_eof` returned, when it was called.
    pub eof: Option<Result<(), Error>>,
    /// How many `data_from_wire` calls delivered bytes.
    pub deliveries: usize,
    /// How many bytes they delivered.
    pub bytes: usize,
}

impl SideLog {
    /// The first error, if any.
    pub fn error(&self) -> Option<&Error> {
        self.errors.first()
    }
}

/// Two connected connections.
pub struct Pair {
    /// The client connection.
    pub client: Connection,
    /// The server connection.
    pub server: Connection,
    /// What the client wrote, not yet delivered.
    pub client_out: Outbox,
    /// What the server wrote, not yet delivered.
    pub server_out: Outbox,
    /// What the client saw.
    pub client_log: SideLog,
    /// What the server saw.
    pub server_log: SideLog,
    tamper: Option<Box<dyn Tamper>>,
    eof_sent: [bool; 2],
}

/// How many steps [`Pair::run`] takes before it calls the pair stuck.
pub const MAX_STEPS: usize = 10_000;

impl Pair {
    /// Start a client and a server (the ClientHello is waiting in
    /// `client_out`).
    ///
    /// # Panics
    /// When either side fails to start (use [`Pair::try_new`] to see why).
    pub fn new(
        client_engine: &dyn Engine,
        client: &ClientTls,
        server_engine: &dyn Engine,
        server: &ServerTls,
    ) -> Self {
        Self::try_new(client_engine, client, server_engine, server)
            .unwrap_or_else(|e| panic!("starting a pair: {e}"))
    }

    /// Start a client and a server.
    ///
    /// # Errors
    /// Whatever `start` returns on either side.
    pub fn try_new(
        client_engine: &dyn Engine,
        client: &ClientTls,
        server_engine: &dyn Engine,
        server: &ServerTls,
    ) -> Result<Self, Error> {
        Self::start(client_engine, client, None, server_engine, server, None)
    }

    /// Start a pair with verify callbacks on either side.
    ///
    /// An engine's declared refusal (an `Unsupported` its capabilities
    /// list) ends the running scenario as "unsupported (declared)"
    /// ([`crate::unsupported`]) instead of being returned.
    ///
    /// # Errors
    /// Whatever else `start` returns on either side.
    pub fn start(
        client_engine: &dyn Engine,
        client: &ClientTls,
        client_verify: Option<Box<dyn VerifyCallback>>,
        server_engine: &dyn Engine,
        server: &ServerTls,
        server_verify: Option<Box<dyn VerifyCallback>>,
    ) -> Result<Self, Error> {
        let client_out = Outbox::new();
        let server_out = Outbox::new();
        let client = match client_verify {
            Some(v) => client.start_with(
                client_engine,
                client_out.wire(),
                wiretls_core::StartOptions::new().verify(Boxed(v)),
            ),
            None => client.start(client_engine, client_out.wire()),
        }
        .map_err(|e| crate::unsupported::check(client_engine, e))?;
        let server = match server_verify {
            Some(v) => server.start_with(
                server_engine,
                server_out.wire(),
                wiretls_core::StartOptions::new().verify(Boxed(v)),
            ),
            None => server.start(server_engine, server_out.wire()),
        }
        .map_err(|e| crate::unsupported::check(server_engine, e))?;
        Ok(Self {
            client,
            server,
            client_out,
            server_out,
            client_log: SideLog::default(),
            server_log: SideLog::default(),
            tamper: None,
            eof_sent: [false; 2],
        })
    }

    /// Tamper with every flight from now on.
    pub fn set_tamper(&mut self, tamper: impl Tamper + 'static) {
        self.tamper = Some(Box::new(tamper));
    }

    /// Stop tampering.
    pub fn clear_tamper(&mut self) {
        self.tamper = None;
    }

    /// Carry what each side wrote to the other once, client first. Returns
    /// whether anything moved.
    pub fn step(&mut self) -> bool {
        let a = self.deliver(Direction::ToServer);
        let b = self.deliver(Direction::ToClient);
        a || b
    }

    /// Deliver one direction's pending bytes (through the tamper hook), then
    /// an end-of-stream if that side asked for its wire to close.
    pub fn deliver(&mut self, direction: Direction) -> bool {
        let (from, to, log, eof_index) = match direction {
            Direction::ToServer => (&self.client_out, &mut self.server, &mut self.server_log, 0),
            Direction::ToClient => (&self.server_out, &mut self.client, &mut self.client_log, 1),
        };
        let flight = from.take();
        let moved = !flight.is_empty();
        if moved {
            let pieces = match &mut self.tamper {
                Some(t) => t.tamper(direction, flight),
                None => vec![flight],
            };
            for piece in pieces {
                log.deliveries += 1;
                log.bytes += piece.len();
                if let Err(e) = to.data_from_wire_into(&piece, &mut log.received) {
                    log.errors.push(e);
                }
            }
        }
        if from.close_requested().is_some() && !self.eof_sent[eof_index] {
            self.eof_sent[eof_index] = true;
            log.eof = Some(to.wire_eof());
            return true;
        }
        moved
    }

    /// Step until nothing moves.
    ///
    /// # Panics
    /// When the pair keeps moving bytes for [`MAX_STEPS`] steps.
    pub fn run(&mut self) {
        for _ in 0..MAX_STEPS {
            if !self.step() {
                return;
            }
        }
        panic!("the pair did not settle in {MAX_STEPS} steps");
    }

    /// Run, then require a completed handshake on both sides and no errors.
    ///
    /// # Panics
    /// When either side failed or is still handshaking.
    pub fn handshake(&mut self) {
        self.run();
        assert!(self.client_log.errors.is_empty(), "client errors: {:?}", self.client_log.errors);
        assert!(self.server_log.errors.is_empty(), "server errors: {:?}", self.server_log.errors);
        assert!(!self.client.is_handshaking(), "client still handshaking");
        assert!(!self.server.is_handshaking(), "server still handshaking");
    }

    /// Send from the client and run.
    ///
    /// # Panics
    /// When sending fails.
    pub fn client_sends(&mut self, data: &[u8]) {
        self.client.data_from_application(data).unwrap_or_else(|e| panic!("client send: {e}"));
        self.run();
    }

    /// Send from the server and run.
    ///
    /// # Panics
    /// When sending fails.
    pub fn server_sends(&mut self, data: &[u8]) {
        self.server.data_from_application(data).unwrap_or_else(|e| panic!("server send: {e}"));
        self.run();
    }
}

/// A boxed verify callback is a verify callback.
struct Boxed(Box<dyn VerifyCallback>);

impl VerifyCallback for Boxed {
    fn verify(
        &mut self,
        chain: &[wiretls_core::Certificate],
        context: &wiretls_core::VerifyContext<'_>,
    ) -> Result<(), wiretls_core::Reject> {
        self.0.verify(chain, context)
    }
}
