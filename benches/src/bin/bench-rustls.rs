//! The rustls engine's side of the engine comparison (and the null engine).

use wiretls_bench::rustls_set::{ceilings, loopback, native, static_path, wiretls};

fn main() {
    wiretls_bench::engine_main(wiretls(), static_path(), native, ceilings, loopback);
}
