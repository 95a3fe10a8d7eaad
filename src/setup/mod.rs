//! From the command line and the configuration file to resolved settings.

pub mod cli;
pub mod config;
pub mod settings;
