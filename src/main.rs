use std::process::ExitCode;

/// mimalloc for Rust's allocations and tree-sitter's: parsing allocates and frees
/// millions of small nodes, where glibc's malloc spent about a sixth of the time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn use_mimalloc_in_tree_sitter() {
    use libmimalloc_sys::{mi_calloc, mi_free, mi_malloc, mi_realloc};
    // SAFETY: called once, before any parser or tree exists, so nothing allocated with
    // the old functions is ever freed with the new ones.
    unsafe {
        tree_sitter::set_allocator(
            Some(mi_malloc),
            Some(mi_calloc),
            Some(mi_realloc),
            Some(mi_free),
        );
    }
}

fn main() -> ExitCode {
    use_mimalloc_in_tree_sitter();
    let cli = unawait::setup::cli::parse();
    if let Err(e) = unawait::interrupt::install() {
        // Without the handler a signal still ends the run; renames keep files whole.
        unawait::messages::warning(format_args!("cannot handle interrupts gracefully: {e}"));
    }
    ExitCode::from(unawait::run(cli))
}
