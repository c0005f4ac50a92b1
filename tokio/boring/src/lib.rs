//! wiretls-tokio's tests for BoringSSL live in `tests/`; the peer binary
//! `tokio-peer-boring` (in `src/bin`) serves and connects over BoringSSL
//! for the OpenSSL tests of wiretls-tokio, which cannot link BoringSSL.
