#![no_main]
//! The topmed-harmonized reader on any bytes.

use importers::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| varkat_fuzz::read_as(Some(Format::TopmedHarmonized), bytes));
