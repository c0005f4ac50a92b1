//! The engine author's kit: what a crate implementing [`Engine`](crate::Engine)
//! needs and an application does not.
//!
//! An application uses the crate root: configurations, [`Connection`](crate::Connection),
//! certificates, stores, errors. An engine crate (`wiretls-rustls`,
//! `wiretls-openssl`, ...) also implements the sans-IO [`Session`] behind a
//! connection and plugs its library's callbacks into the pieces here, which
//! hold every rule that is the same for every engine:
//!
//! - [`Session`], [`SessionContext`], [`SessionStatus`]: the interface a
//!   connection drives;
//! - [`Prepared`]: the per-configuration cache where engines keep the
//!   library objects they build from a [`ClientTls`](crate::ClientTls) or
//!   [`ServerTls`](crate::ServerTls);
//! - the certificate stores' questions and answers ([`StoreRef`],
//!   [`StoreQuery`], [`ChainRequest`], [`StoreAnswer`], [`StoreWaker`]);
//! - the verify callback's hook ([`VerifyHook`]) and the certification path
//!   it is given ([`certification_path`]);
//! - [`policy`], the verification policy every engine applies after its own
//!   path validation;
//! - helpers for engines whose library calls back into C ([`callbacks`]),
//!   talks to a byte stream ([`memio`]) or must be fed record by record
//!   ([`record`]), ALPN lists ([`alpn`]) and caches ([`cache`]).
//!
//! Nothing here is needed to use wiretls; everything here may change with
//! the engines' needs. The kit's enums are exhaustive on purpose: a new
//! kind of store answer must be handled by every engine, not defaulted.

pub mod alpn;
pub mod cache;
pub mod callbacks;
#[cfg(feature = "serde")]
pub mod interned;
pub mod memio;
pub mod record;

pub use crate::config::Prepared;
pub use crate::error::panic_message;
pub use crate::store::{
    no_certificate_alert, server_store_failed, ChainRequest, StoreAnswer, StoreQuery, StoreRef, StoreWaker,
};
pub use crate::traits::{Session, SessionContext, SessionStatus};
pub use crate::verify::{certification_path, VerifyHook};

/// The verification policy, for engines: [`after_engine`](policy::after_engine)
/// runs it where an engine's own verifier accepted a chain. The rules are
/// listed on [`PolicyRule`](crate::PolicyRule).
pub mod policy {
    pub use crate::policy::{
        after_engine, check_chain, check_path, check_peer, check_presented, dns_name_within, ip_within,
        path_at,
    };
}
