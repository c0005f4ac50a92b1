//! The OpenSSL engine's side of the engine comparison, as a process of its
//! own (the `bench` driver runs it beside `bench-boring`).

use wiretls_bench_openssl::{ceilings, loopback, membio, native, static_path, wiretls};

fn main() {
    wiretls_bench::engine_main(
        wiretls(),
        wiretls_bench::Extra { measured: Vec::new(), callgrind_only: vec![static_path(), membio()] },
        native,
        ceilings,
        loopback,
    );
}
