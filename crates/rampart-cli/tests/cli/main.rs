//! One integration-test binary for the `rampart` command (ripgrep's layout): each module tests
//! one area through the real binary.

mod admission;
mod config;
mod db_update;
mod fs;
mod gate;
mod images;
mod osv_scanner_regression;
mod peer_targets;
mod real_world_lockfiles;
mod repo;
mod sboms;
mod secrets;
mod sign;
mod util;
mod vulns;
