//! The native-tls engine's side of the engine comparison, as a process of
//! its own (the `bench` driver runs it beside the other engines' binaries).

use wiretls_bench_native_tls::{ceilings, loopback, native, static_path, wiretls};

fn main() {
    wiretls_bench::engine_main(
        wiretls(),
        wiretls_bench::Extra { measured: Vec::new(), callgrind_only: vec![static_path()] },
        native,
        ceilings,
        loopback,
    );
}
