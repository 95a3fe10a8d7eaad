//! Widening a run to the other names its rules' functions go by.
//!
//! The first pass filters files by the rules' names before the index can tell that
//! `pkg/__init__.py` re-exports `func` as `alias`. Once it can, the run's prefilter
//! and index filter learn `alias`, and the files they passed over are read again: a
//! file of the run that calls only `alias` must not be dropped, and an `__init__.py`
//! that re-exports `alias` again (a chain of renames) must be indexed. Rounds repeat
//! while they find new names, up to a bound; a run whose rules have no other names
//! reads nothing again. A class whose method a rule decides on (`Factory.get_client`)
//! may be re-exported by a package the same way: the `__init__.py` files that mention
//! it are indexed too, so that `from pkg import Factory` finds its methods.

use rayon::prelude::*;

use super::file::{self, FirstLook};
use super::job::Job;
use crate::files::discover::Candidate;
use crate::files::read::{is_binary, read_source};
use crate::fix::index::{IndexFilter, ProjectIndex};
use crate::fix::prefilter::Prefilter;

/// How many times the files are read again at most (each round follows one more
/// step of a chain of renames).
const MAX_ROUNDS: usize = 4;

/// The run's files and what the first pass learned of each.
pub struct Looks<'a> {
    pub files: &'a [Candidate],
    pub looks: &'a mut [FirstLook],
    /// The run's own files (the prefilter decides whether they are processed), or
    /// the project's others (read for the index only).
    pub own: bool,
}

/// Widen `job`'s filters to the other names `index` finds for its rules, and read
/// again what they passed over, updating `index` and the looks.
pub fn widen(
    job: &mut Job<'_>,
    index: &mut ProjectIndex,
    groups: &mut [Looks<'_>],
    pool: &rayon::ThreadPool,
) {
    let (functions, methods) = (job.rules.function_needles(), job.rules.method_needles());
    for _ in 0..MAX_ROUNDS {
        let renamed = index.widen(job.rules);
        let classes = index.widen_classes(&functions, &methods);
        if renamed.is_empty() && classes.is_empty() {
            return;
        }
        let names = index.renamed_names();
        job.prefilter = Prefilter::with_renamed(job.rules, &names);
        let mut needles = functions.clone();
        needles.extend(names);
        job.index_filter = IndexFilter::new(&needles)
            .with_async_methods(&methods)
            .with_classes(&index.class_names());
        // New classes alone change only what a package's `__init__` is read for.
        let inits_only = renamed.is_empty();
        let job: &Job<'_> = job;
        for group in groups.iter_mut() {
            let own = group.own;
            let again: Vec<Option<FirstLook>> = pool.install(|| {
                group
                    .files
                    .par_iter()
                    .zip(group.looks.par_iter())
                    .map(|(c, look)| match inits_only && !is_init(c) {
                        true => None,
                        false => look_again(job, c, look, own),
                    })
                    .collect()
            });
            for (look, new) in group.looks.iter_mut().zip(again) {
                let Some(mut new) = new else { continue };
                match (&new.module, new.entries.take()) {
                    (Some(m), Some(entries)) if !look.indexed => index.fill(m, entries),
                    (Some(m), _) if look.module.is_none() => index.add(m, Default::default()),
                    _ => {}
                }
                look.wanted |= new.wanted;
                look.indexed |= new.indexed;
                if look.module.is_none() {
                    look.module = new.module;
                }
            }
        }
    }
}

fn is_init(c: &Candidate) -> bool {
    c.path.file_stem().is_some_and(|s| s == "__init__")
}

/// What the wider filters make of a file the narrow ones passed over; `None` when
/// they cannot change anything.
fn look_again(job: &Job<'_>, c: &Candidate, look: &FirstLook, own: bool) -> Option<FirstLook> {
    let python = c.kind == crate::files::kind::FileKind::Python;
    if look.indexed && (look.wanted || !own) || (!own && !python) || crate::interrupt::interrupted()
    {
        return None;
    }
    let source = read_source(&c.path).ok()?;
    if is_binary(&source) {
        return None;
    }
    let wanted = own && (look.wanted || file::worth_parsing(job, c.kind, &source));
    let mut new = file::index_look(c, job, &source, wanted);
    new.wanted = wanted;
    Some(new)
}
