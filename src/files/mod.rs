//! Files on disk: which to look at, what kind each is, reading, atomic writing, and
//! where the main output goes.

pub mod discover;
pub mod kind;
pub mod read;
pub mod sink;
pub mod write;
