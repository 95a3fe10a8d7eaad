//! Writing fixed files without ever losing the original.
//!
//! A fixed file is written to a temporary file in its own folder, flushed to disk with
//! the original's permissions, and renamed over the original, so an interrupt at any
//! moment leaves it wholly old or wholly new. A file whose bytes changed since they were
//! read is left alone, and an existing backup is never overwritten.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file on disk is no longer what was read.
    Changed,
    /// The backup file already exists.
    BackupExists(PathBuf),
    /// The run was interrupted before this write started.
    Interrupted,
    /// Anything the operating system refused, with what was being done.
    Io(String, io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => write!(f, "changed on disk during the run; not written"),
            WriteError::BackupExists(p) => write!(
                f,
                "backup {} already exists; not written (move it away and run again)",
                crate::paths::display(p)
            ),
            WriteError::Interrupted => f.write_str("not written: interrupted"),
            WriteError::Io(what, e) => write!(f, "{what}: {}", crate::messages::io_reason(e)),
        }
    }
}

fn io_err(what: &str) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(what.to_string(), e)
}

/// The path to write: a symbolic link given on the command line is followed, so the
/// link stays a link and its target gets the fix.
fn write_target(path: &Path) -> Result<PathBuf, WriteError> {
    let meta = fs::symlink_metadata(path).map_err(io_err("cannot inspect file"))?;
    if meta.file_type().is_symlink() {
        fs::canonicalize(path).map_err(io_err("cannot follow symbolic link"))
    } else {
        Ok(path.to_path_buf())
    }
}

fn unchanged(path: &Path, original: &[u8]) -> Result<bool, WriteError> {
    match fs::read(path) {
        Ok(now) => Ok(now == original),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(WriteError::Io("cannot re-read file".into(), e)),
    }
}

/// The backup's path: `name` + `suffix` beside the file.
pub fn backup_path(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn write_backup(
    path: &Path,
    suffix: &str,
    original: &[u8],
    perms: &fs::Permissions,
) -> Result<PathBuf, WriteError> {
    let backup = backup_path(path, suffix);
    // create_new: fails if anything is already there, even if created a moment ago by
    // another run, so a backup is never overwritten.
    let mut file = match OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&backup)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(WriteError::BackupExists(backup))
        }
        Err(e) => {
            return Err(WriteError::Io(
                format!("cannot create backup {}", backup.display()),
                e,
            ))
        }
    };
    let result = file
        .write_all(original)
        .and_then(|_| file.sync_all())
        .and_then(|_| fs::set_permissions(&backup, perms.clone()));
    if let Err(e) = result {
        let _ = fs::remove_file(&backup);
        return Err(WriteError::Io(
            format!("cannot write backup {}", backup.display()),
            e,
        ));
    }
    Ok(backup)
}

/// Replace `path`'s contents `original` with `new`, atomically, keeping permissions;
/// returns the backup made, if `backup` asked for one (beside the link's target when
/// `path` is a symbolic link).
///
/// Once the run is interrupted no new write starts; one already started finishes.
pub fn write_atomically(
    path: &Path,
    original: &[u8],
    new: &[u8],
    backup: Option<&str>,
) -> Result<Option<PathBuf>, WriteError> {
    write_with(path, original, new, backup, |file, bytes| {
        file.write_all(bytes)
    })
}

/// [`write_atomically`], with `fill` writing the new bytes into the temporary file, so
/// that tests can make that step fail as a full disk would.
fn write_with(
    path: &Path,
    original: &[u8],
    new: &[u8],
    backup: Option<&str>,
    fill: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
) -> Result<Option<PathBuf>, WriteError> {
    if crate::interrupt::interrupted() {
        return Err(WriteError::Interrupted);
    }
    let target = write_target(path)?;
    if !unchanged(&target, original)? {
        return Err(WriteError::Changed);
    }
    let meta = fs::metadata(&target).map_err(io_err("cannot inspect file"))?;
    let perms = meta.permissions();
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();

    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".unawait-tmp")
        .tempfile_in(dir)
        .map_err(io_err(
            "cannot create a temporary file in the file's folder",
        ))?;
    fill(tmp.as_file_mut(), new)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(io_err("cannot write temporary file"))?;
    fs::set_permissions(tmp.path(), perms.clone()).map_err(io_err("cannot set permissions"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Keep the owner when we can (running as root over someone's tree); an ordinary
        // user cannot give files away, and then the rename still keeps the mode.
        let _ = std::os::unix::fs::chown(tmp.path(), Some(meta.uid()), Some(meta.gid()));
    }

    let backup_file = match backup {
        Some(suffix) => Some(write_backup(&target, suffix, original, &perms)?),
        None => None,
    };
    // Last look before the rename: someone may have saved the file meanwhile.
    if !unchanged(&target, original)? {
        if let Some(b) = backup_file {
            let _ = fs::remove_file(b);
        }
        return Err(WriteError::Changed);
    }
    tmp.persist(&target)
        .map_err(|e| WriteError::Io("cannot replace file".into(), e.error))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(backup_file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        fs::write(&p, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        }
        let backup = write_atomically(&p, b"old", b"new", Some(".orig")).unwrap();
        assert_eq!(backup, Some(dir.path().join("a.py.orig")));
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("a.py.orig")).unwrap(), b"old");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o640
            );
        }
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file left"
        );
    }

    #[test]
    fn refuses_changed_file_and_existing_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        fs::write(&p, "edited").unwrap();
        assert!(matches!(
            write_atomically(&p, b"old", b"new", None),
            Err(WriteError::Changed)
        ));
        assert_eq!(fs::read(&p).unwrap(), b"edited");
        fs::write(dir.path().join("a.py.orig"), "precious").unwrap();
        let err = write_atomically(&p, b"edited", b"new", Some(".orig")).unwrap_err();
        assert!(matches!(err, WriteError::BackupExists(_)));
        assert_eq!(fs::read(&p).unwrap(), b"edited");
        assert_eq!(fs::read(dir.path().join("a.py.orig")).unwrap(), b"precious");
    }

    #[test]
    fn a_failed_write_like_a_full_disk_keeps_the_original_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        fs::write(&p, "old bytes").unwrap();
        let full = |file: &mut File, bytes: &[u8]| {
            file.write_all(&bytes[..bytes.len() / 2])?;
            Err(io::Error::from_raw_os_error(28)) // ENOSPC
        };
        let err = write_with(&p, b"old bytes", b"new bytes", Some(".orig"), full).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot write temporary file: no space left on device"),
            "{err}"
        );
        assert_eq!(fs::read(&p).unwrap(), b"old bytes");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.py"], "no temporary file and no backup left");
    }

    #[test]
    fn a_file_replaced_between_reading_and_writing_is_not_written() {
        // Same bytes, new file (an editor's save-by-rename): still the bytes we read,
        // so the write goes ahead; different bytes: refused.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        fs::write(dir.path().join("other"), "old").unwrap();
        fs::rename(dir.path().join("other"), &p).unwrap();
        write_atomically(&p, b"old", b"new", None).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        fs::write(dir.path().join("other"), "theirs").unwrap();
        fs::rename(dir.path().join("other"), &p).unwrap();
        assert!(matches!(
            write_atomically(&p, b"new", b"newer", None),
            Err(WriteError::Changed)
        ));
        assert_eq!(fs::read(&p).unwrap(), b"theirs");
    }

    #[test]
    fn a_file_deleted_before_writing_is_not_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        let err = write_atomically(&p, b"old", b"new", Some(".orig")).unwrap_err();
        assert!(err.to_string().contains("no such file"), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.py");
        let link = dir.path().join("link.py");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, b"old", b"new", None).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }
}
