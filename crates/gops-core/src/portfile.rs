//! Agent detection through gops port files: a file named after the PID, in the gops config
//! directory, holding the agent's port. Nothing cleans up after a killed agent, so a file only
//! counts when it is not older than the process (a reused PID inherits a stale file otherwise).

use crate::process::Isolation;
use std::collections::HashSet;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

/// The port files of one scan: our config directory is listed once, so processes without a
/// file cost nothing; processes in other mount namespaces are looked up in their own root.
pub struct PortFiles<'a> {
    dir: &'a Path,
    listed: HashSet<u32>,
}

impl<'a> PortFiles<'a> {
    pub fn list(dir: &'a Path) -> PortFiles<'a> {
        let listed = fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        PortFiles { dir, listed }
    }

    /// True when the process has a port file written since it started.
    pub fn is_fresh(&self, pid: u32, isolation: &Isolation, started: SystemTime) -> bool {
        let name = isolation.ns_pid.unwrap_or(pid);
        let path = match &isolation.root {
            Some(root) => root
                .join(self.dir.strip_prefix("/").unwrap_or(self.dir))
                .join(name.to_string()),
            None if isolation.ns_pid.is_none() && !self.listed.contains(&pid) => return false,
            None => self.dir.join(name.to_string()),
        };
        is_fresh_file(&path, started)
    }
}

fn is_fresh_file(path: &Path, started: SystemTime) -> bool {
    fs::metadata(path)
        .and_then(|meta| meta.modified())
        .is_ok_and(|modified| modified >= started)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::path::PathBuf;
    use std::time::Duration;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gops-portfile-{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write_port_file(path: &Path, modified: SystemTime) {
        let file = File::create(path).unwrap();
        std::io::Write::write_all(&mut &file, b"40123").unwrap();
        file.set_modified(modified).unwrap();
    }

    #[test]
    fn trusts_only_files_written_since_the_process_started() {
        let dir = temp_dir("fresh");
        let started = SystemTime::now() - Duration::from_secs(60);
        write_port_file(&dir.join("100"), started + Duration::from_secs(1));
        write_port_file(&dir.join("200"), started - Duration::from_secs(3600));
        let files = PortFiles::list(&dir);
        let host = Isolation::default();
        assert!(files.is_fresh(100, &host, started));
        assert!(
            !files.is_fresh(200, &host, started),
            "a file older than the process is stale"
        );
        assert!(!files.is_fresh(300, &host, started), "no file, no agent");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn looks_in_a_containers_root_under_its_own_pid() {
        let root = temp_dir("root");
        let dir = Path::new("/home/user/.config/gops");
        let inside = root.join("home/user/.config/gops");
        fs::create_dir_all(&inside).unwrap();
        let started = SystemTime::now() - Duration::from_secs(5);
        write_port_file(&inside.join("7"), SystemTime::now());
        let files = PortFiles::list(dir);
        let container = Isolation {
            ns_pid: Some(7),
            root: Some(root.clone()),
            container: None,
        };
        assert!(files.is_fresh(4242, &container, started));
        let elsewhere = Isolation {
            ns_pid: Some(8),
            ..container
        };
        assert!(!files.is_fresh(4242, &elsewhere, started));
        fs::remove_dir_all(root).unwrap();
    }
}
