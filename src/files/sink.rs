//! Where the main output goes: stdout, or the `patch -o FILE` file.
//!
//! A patch file is written to a temporary file beside it and renamed into place at the
//! end, so a failed run never leaves half a patch. The file keeps the mode of the file
//! it replaces (or gets the usual mode for a new file); a symbolic link keeps pointing
//! at its target, which gets the patch; a device or pipe (`/dev/stdout`) is written
//! directly, never replaced.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::anyhow;

use crate::messages::io_reason;
use crate::setup::settings::Mode;

pub enum Sink {
    Stdout(io::StdoutLock<'static>),
    /// A temporary file, renamed over the target at the end.
    File(tempfile::NamedTempFile, PathBuf),
    /// Something that is not a regular file: written in place.
    Direct(File),
}

impl Sink {
    /// The sink for `mode`: the patch file of `patch -o FILE` (relative to `cwd`), or
    /// stdout.
    pub fn open(mode: &Mode, cwd: &Path) -> anyhow::Result<Sink> {
        let output = match mode {
            Mode::Patch { output } if output.as_os_str() != "-" => output,
            _ => return Ok(Sink::Stdout(io::stdout().lock())),
        };
        let cannot = |e: io::Error| anyhow!("cannot write {}: {}", output.display(), io_reason(&e));
        let mut target = crate::paths::absolute(cwd, output);
        let mut existing = None;
        if fs::symlink_metadata(&target).is_ok() {
            target = fs::canonicalize(&target).map_err(cannot)?;
            let meta = fs::metadata(&target).map_err(cannot)?;
            if !meta.is_file() {
                let f = OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(&target)
                    .map_err(cannot)?;
                return Ok(Sink::Direct(f));
            }
            existing = Some(meta.permissions());
        }
        let dir = target.parent().unwrap_or(Path::new("/"));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".unawait-patch");
        #[cfg(unix)]
        let default_perms = {
            use std::os::unix::fs::PermissionsExt;
            // 0o666 less the umask, as for any new file.
            fs::Permissions::from_mode(0o666)
        };
        #[cfg(unix)]
        builder.permissions(default_perms);
        let tmp = builder.tempfile_in(dir).map_err(cannot)?;
        if let Some(perms) = existing {
            fs::set_permissions(tmp.path(), perms).map_err(cannot)?;
        }
        Ok(Sink::File(tmp, target))
    }

    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout(s) => s.write_all(bytes),
            Sink::File(f, _) => f.write_all(bytes),
            Sink::Direct(f) => f.write_all(bytes),
        }
    }

    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Stdout(mut s) => s
                .flush()
                .or_else(crate::files::sink::ignore_broken_pipe)
                .map_err(Into::into),
            Sink::File(f, target) => {
                f.as_file()
                    .sync_all()
                    .map_err(|e| anyhow!("cannot write {}: {}", target.display(), io_reason(&e)))?;
                f.persist(&target).map_err(|e| {
                    anyhow!("cannot write {}: {}", target.display(), io_reason(&e.error))
                })?;
                Ok(())
            }
            Sink::Direct(mut f) => f
                .flush()
                .map_err(|e| anyhow!("cannot write output: {}", io_reason(&e))),
        }
    }
}

/// A closed pipe on stdout (`unawait diff | head`) is not an error.
pub fn ignore_broken_pipe(e: io::Error) -> io::Result<()> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(e)
    }
}

/// Write `bytes` to stdout and flush, as the commands that print one document at once
/// do (`suggest`, `--show-settings`, `--schema`, `fix -` of an excluded file); a closed
/// pipe is not an error.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .or_else(ignore_broken_pipe)
        .map_err(|e| anyhow!("cannot write output: {}", io_reason(&e)))
}
