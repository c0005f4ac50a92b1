//! Session tickets a server can revoke. BoringSSL resumes TLS 1.3 only from
//! stateless tickets, and issues them in TLS 1.2 too; by default a ticket
//! stays valid until its key rotates, so a server could not forget a session
//! it ended with an alert (the seed's Future Work rule). wiretls seals the
//! tickets itself (`SSL_CTX_set_ticket_aead_method`): each carries a random
//! id in the clear and the session under AES-256-GCM with the id as
//! associated data; a connection that fails revokes the ids it issued or
//! resumed from, and a revoked ticket opens as "ignore it" (a full
//! handshake).

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use boring::aead::{AeadCtx, Algorithm};

/// Bytes of a ticket's id.
pub(crate) const ID_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// What a sealed ticket adds to the session: id, nonce, tag.
pub(crate) const OVERHEAD: usize = ID_LEN + NONCE_LEN + TAG_LEN;
/// Revoked ids kept (the oldest go first; a ticket lives 2 hours by
/// default, far fewer failures than this happen meanwhile on one server).
const MAX_REVOKED: usize = 1 << 16;

/// A ticket id.
pub(crate) type TicketId = [u8; ID_LEN];

/// One server configuration's ticket key and revoked ids.
pub(crate) struct Tickets {
    key: [u8; 32],
    revoked: Mutex<Revoked>,
}

#[derive(Default)]
struct Revoked {
    order: VecDeque<TicketId>,
    set: HashSet<TicketId>,
}

/// The tickets a connection issued or resumed from.
pub(crate) struct ConnectionTickets {
    pub(crate) tickets: std::sync::Arc<Tickets>,
    pub(crate) used: Mutex<Vec<TicketId>>,
}

impl ConnectionTickets {
    /// Revoke every ticket this connection issued or resumed from.
    pub(crate) fn revoke_all(&self) {
        let used = self.used.lock().map(|mut u| std::mem::take(&mut *u)).unwrap_or_default();
        self.tickets.revoke(&used);
    }

    fn record(&self, id: TicketId) {
        if let Ok(mut used) = self.used.lock() {
            used.push(id);
        }
    }
}

impl Tickets {
    /// A fresh random key.
    pub(crate) fn new() -> Result<Self, boring::error::ErrorStack> {
        let mut key = [0u8; 32];
        boring::rand::rand_bytes(&mut key)?;
        Ok(Self { key, revoked: Mutex::default() })
    }

    fn revoke(&self, ids: &[TicketId]) {
        let Ok(mut revoked) = self.revoked.lock() else { return };
        for id in ids {
            if revoked.set.insert(*id) {
                revoked.order.push_back(*id);
            }
        }
        while revoked.order.len() > MAX_REVOKED {
            if let Some(old) = revoked.order.pop_front() {
                revoked.set.remove(&old);
            }
        }
    }

    fn is_revoked(&self, id: &TicketId) -> bool {
        self.revoked.lock().map_or(true, |r| r.set.contains(id))
    }
}

/// Seal `session` into `out` (at least `session.len() + OVERHEAD` bytes);
/// the ticket's length, or `None` when it cannot be made.
pub(crate) fn seal(conn: &ConnectionTickets, session: &[u8], out: &mut [u8]) -> Option<usize> {
    let total = session.len() + OVERHEAD;
    let out = out.get_mut(..total)?;
    let (id, rest) = out.split_at_mut(ID_LEN);
    let (nonce, rest) = rest.split_at_mut(NONCE_LEN);
    let (body, tag) = rest.split_at_mut(session.len());
    boring::rand::rand_bytes(id).ok()?;
    boring::rand::rand_bytes(nonce).ok()?;
    body.copy_from_slice(session);
    let mut ctx = AeadCtx::new_default_tag(&Algorithm::aes_256_gcm(), &conn.tickets.key).ok()?;
    ctx.seal_in_place_mut(nonce, body, tag, id).ok()?;
    conn.record(id.try_into().ok()?);
    Some(total)
}

/// What opening a ticket gave.
pub(crate) enum Opened {
    /// The session, this many bytes of `out`.
    Session(usize),
    /// Not ours, damaged or revoked: a full handshake.
    Ignore,
}

/// Open `ticket` into `out`.
pub(crate) fn open(conn: &ConnectionTickets, ticket: &[u8], out: &mut [u8]) -> Opened {
    if ticket.len() < OVERHEAD {
        return Opened::Ignore;
    }
    let (id, rest) = ticket.split_at(ID_LEN);
    let (nonce, rest) = rest.split_at(NONCE_LEN);
    let (body, tag) = rest.split_at(rest.len() - TAG_LEN);
    let Ok(id) = TicketId::try_from(id) else { return Opened::Ignore };
    let Some(plain) = out.get_mut(..body.len()) else { return Opened::Ignore };
    if conn.tickets.is_revoked(&id) {
        return Opened::Ignore;
    }
    plain.copy_from_slice(body);
    let Ok(mut ctx) = AeadCtx::new_default_tag(&Algorithm::aes_256_gcm(), &conn.tickets.key) else {
        return Opened::Ignore;
    };
    if ctx.open_in_place_mut(nonce, plain, tag, &id).is_err() {
        return Opened::Ignore;
    }
    conn.record(id);
    Opened::Session(body.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(tickets: &std::sync::Arc<Tickets>) -> ConnectionTickets {
        ConnectionTickets { tickets: std::sync::Arc::clone(tickets), used: Mutex::default() }
    }

    #[test]
    fn sealed_tickets_open_until_revoked() {
        let tickets = std::sync::Arc::new(Tickets::new().expect("a key"));
        let (issuer, resumer) = (conn(&tickets), conn(&tickets));
        let session = b"a serialized session".to_vec();
        let mut ticket = vec![0u8; session.len() + OVERHEAD];
        let n = seal(&issuer, &session, &mut ticket).expect("sealed");
        let mut out = vec![0u8; n];
        assert!(
            matches!(open(&resumer, &ticket[..n], &mut out), Opened::Session(l) if out[..l] == session[..])
        );
        let mut damaged = ticket.clone();
        damaged[n - 1] ^= 1;
        assert!(matches!(open(&resumer, &damaged, &mut out), Opened::Ignore));
        resumer.revoke_all();
        assert!(matches!(open(&conn(&tickets), &ticket[..n], &mut out), Opened::Ignore), "revoked");
        let other = std::sync::Arc::new(Tickets::new().expect("a key"));
        assert!(matches!(open(&conn(&other), &ticket[..n], &mut out), Opened::Ignore), "another key");
    }
}
