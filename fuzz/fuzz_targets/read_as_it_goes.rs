#![no_main]
//! Any bytes, read loaded and read as it goes from a file, give the same outcome.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| varkat_fuzz::read_both_ways(bytes));
