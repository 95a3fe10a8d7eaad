//! Output formats. Each writes only to the stdout buffer it is given; summaries and
//! notes go to stderr elsewhere.

pub mod check;
pub mod diff;
pub mod summary;
