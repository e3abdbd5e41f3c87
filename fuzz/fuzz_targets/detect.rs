#![no_main]
//! Format detection, spreadsheets included, then whichever reader it picks.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| varkat_fuzz::read_as(None, bytes));
