//! Files on disk: which to look at, the project around them, what kind each is, reading, atomic writing, and
//! where the main output goes.

pub mod discover;
pub mod kind;
pub mod project;
pub mod read;
pub mod sink;
pub mod write;
