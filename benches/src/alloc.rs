//! Heap in use, from glibc's `mallinfo2`: Rust allocations (through the
//! system allocator) and the C libraries' own `malloc` calls alike, so an
//! OpenSSL or BoringSSL connection is measured whole.

/// Bytes of heap in use now (small chunks plus mmapped large ones).
#[doc(alias = "mallinfo2")]
pub fn live() -> i64 {
    // SAFETY: mallinfo2 takes no arguments and only reads glibc's malloc
    // statistics; it is safe to call at any time from any thread.
    #[allow(unsafe_code)]
    let info = unsafe { libc::mallinfo2() };
    (info.uordblks + info.hblkhd) as i64
}
