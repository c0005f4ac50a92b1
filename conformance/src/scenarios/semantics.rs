//! The seed's semantics at the edges: the chain order the verify callback
//! sees, `application_finished` at each handshake stage, bounded buffering
//! while a store has not answered, wake-ups, and the bookkeeping of error
//! paths (which `wire_close`, which error, which level rules).

#[allow(unused_imports)]
use wiretls_core::Engine;
