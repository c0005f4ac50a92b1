//! The rustls engine's side of the engine comparison (and the null engine).

use wiretls_bench::rustls_set::{ceilings, extra_paths, loopback, native, wiretls};

fn main() {
    wiretls_bench::engine_main(wiretls(), extra_paths(), native, ceilings, loopback);
}
