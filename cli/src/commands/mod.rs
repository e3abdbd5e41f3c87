//! One module per group of commands.

pub(crate) mod browse;
pub(crate) mod codes;
pub(crate) mod demo;
pub(crate) mod export;
pub(crate) mod harmonize;
pub(crate) mod history;
pub(crate) mod import;
pub(crate) mod publish;
pub(crate) mod review;
pub(crate) mod search;
pub(crate) mod serve;
