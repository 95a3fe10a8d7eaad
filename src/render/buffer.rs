//! The whole file, fixed or not: what `fix -` prints for an editor to replace its
//! buffer with.

use super::{FileView, Format};

pub struct Buffer;

impl Format for Buffer {
    fn file(&self, file: &FileView<'_>) -> Vec<u8> {
        file.fixed.unwrap_or(file.source).to_vec()
    }
}
