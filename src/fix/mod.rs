//! Which awaits to change and how: rules, the prefilter and project index that decide
//! which files to parse, the matcher, kept and left awaits, async twins, edits, and the pure
//! engine that ties them together.

pub mod checked;
pub mod decorators;
pub mod edit;
pub mod engine;
pub mod index;
pub mod kept;
pub mod left;
pub mod matcher;
pub mod prefilter;
pub mod returns;
pub mod rules;
pub mod suggest;
pub mod survey_filter;
pub mod twin;
pub mod verdict;
