#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wiretls_fuzz::targets::server_differential(data));
