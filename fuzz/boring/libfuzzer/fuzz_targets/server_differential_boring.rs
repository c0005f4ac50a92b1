#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| wiretls_fuzz_boring::server_differential_boring(data));
