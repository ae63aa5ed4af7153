//! Real Go binaries, built here for several formats, compared field by field with `go version -m`
//! (the broad fixture matrix lives in the ava suite; this keeps the core honest on its own).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use gops_core::inspect::{inspect_path, parse_module_info, BuildInfo, Evidence, Format};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("gops-core-{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A main module that depends on a replaced local module, so `dep` and `=>` lines appear.
fn write_program(dir: &Path) -> PathBuf {
    let files = [
        ("lib/go.mod", "module example.com/lib\n\ngo 1.22\n"),
        (
            "lib/lib.go",
            "package lib\n\nimport \"strings\"\n\n//go:noinline\nfunc Hello() string { return \"hi\" }\n\n// Shout is inlined into its caller.\nfunc Shout(s string) string { return strings.ToUpper(s) + \"!\" }\n",
        ),
        (
            "app/go.mod",
            "module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v1.2.3\n\nreplace example.com/lib v1.2.3 => ../lib\n",
        ),
        (
            "app/main.go",
            "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n)\n\nfunc main() { fmt.Println(lib.Shout(lib.Hello())) }\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir.join("app")
}

fn go_build(app: &Path, out: &Path, goos: &str, goarch: &str, flags: &[&str]) -> Child {
    Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(out)
        .args(flags)
        .current_dir(app)
        .env("GOOS", goos)
        .env("GOARCH", goarch)
        .env("CGO_ENABLED", "0")
        .env("GOTOOLCHAIN", "local")
        .spawn()
        .expect("go is installed")
}

/// `go version -m`'s version and module lines, parsed back (its lines are the module text, indented).
fn go_version_m(file: &Path) -> (String, BuildInfo) {
    let out = Command::new("go")
        .arg("version")
        .arg("-m")
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "go version -m {}", file.display());
    let text = String::from_utf8(out.stdout).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    let version = first.rsplit_once(": ").unwrap().1.to_string();
    let module_text: String = rest
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix('\t').unwrap_or(l)))
        .collect();
    (version, parse_module_info(&module_text).unwrap())
}

#[test]
fn every_format_matches_go_version_m() {
    let dir = TempDir::new("formats");
    let app = write_program(&dir.0);
    let targets = [
        ("linux", "s390x", Format::Elf, &[][..]),
        ("linux", "386", Format::Elf, &["-trimpath"][..]),
        ("linux", "arm64", Format::Elf, &["-ldflags=-s -w"][..]),
        ("windows", "386", Format::Pe, &[][..]),
        ("windows", "amd64", Format::Pe, &["-ldflags=-s -w"][..]),
        ("darwin", "arm64", Format::Macho, &[][..]),
        ("aix", "ppc64", Format::Xcoff, &[][..]),
    ];
    let builds: Vec<(PathBuf, Child)> = targets
        .iter()
        .map(|(goos, goarch, _, flags)| {
            let out = dir.0.join(format!("app-{goos}-{goarch}"));
            let child = go_build(&app, &out, goos, goarch, flags);
            (out, child)
        })
        .collect();
    for ((out, mut child), (_, goarch, format, _)) in builds.into_iter().zip(targets) {
        assert!(
            child.wait().unwrap().success(),
            "go build {}",
            out.display()
        );
        let info = inspect_path(&out).unwrap();
        let (version, build_info) = go_version_m(&out);
        assert_eq!(
            (info.is_go, info.format, info.source),
            (true, format, Some(Evidence::Buildinfo))
        );
        assert_eq!(info.arch.as_deref(), Some(goarch));
        assert_eq!(info.go_version, Some(version));
        assert_eq!(
            info.build_info.as_ref(),
            Some(&build_info),
            "{}",
            out.display()
        );
        assert!(info.build_id.is_some(), "{}", out.display());
        let dep = &build_info.deps[0];
        assert_eq!(
            dep.replace.as_ref().map(|r| r.path.as_str()),
            Some("../lib")
        );
    }
}

#[test]
fn the_version_and_modules_survive_a_removed_blob() {
    let dir = TempDir::new("noblob");
    let app = write_program(&dir.0);
    let original = dir.0.join("app-linux-amd64");
    assert!(go_build(&app, &original, "linux", "amd64", &[])
        .wait()
        .unwrap()
        .success());
    let (version, build_info) = go_version_m(&original);
    let objcopy = |out: &str, args: &[&str]| {
        let out = dir.0.join(out);
        let ok = Command::new("objcopy")
            .args(args)
            .arg(&original)
            .arg(&out)
            .status()
            .unwrap()
            .success();
        assert!(ok, "objcopy {args:?}");
        out
    };
    let cases = [
        (
            objcopy("no-blob", &["--remove-section", ".go.buildinfo"]),
            Evidence::Buildid,
        ),
        (
            objcopy(
                "bare",
                &[
                    "--remove-section",
                    ".go.buildinfo",
                    "--remove-section",
                    ".note.go.buildid",
                    "--strip-all",
                ],
            ),
            Evidence::Pclntab,
        ),
    ];
    for (file, evidence) in cases {
        let info = inspect_path(&file).unwrap();
        assert_eq!(
            (info.is_go, info.source),
            (true, Some(evidence)),
            "{}",
            file.display()
        );
        assert_eq!(info.go_version.as_ref(), Some(&version));
        assert_eq!(info.build_info.as_ref(), Some(&build_info));
    }
}

#[test]
fn function_names_are_read_from_the_pclntab_of_plain_stripped_and_pie_builds() {
    use gops_core::inspect::{functions_present, FunctionQuery};
    let dir = TempDir::new("funcnames");
    let app = write_program(&dir.0);
    let q = |package: &str, symbol: Option<&str>| FunctionQuery {
        package: package.into(),
        symbol: symbol.map(Into::into),
    };
    let queries = [
        q("fmt", Some("Println")),
        q("example.com/lib", Some("Hello")),
        // Inlined into main.main: listed through the inline tree's names.
        q("example.com/lib", Some("Shout")),
        q("fmt", Some("Sscanf")),
        q("html/template", Some("Template.Execute")),
        q("os", Some("File.Write")),
        q("example.com/lib", None),
    ];
    let targets = [
        ("linux", "amd64", &[][..]),
        ("linux", "arm64", &["-ldflags=-s -w"][..]),
        ("linux", "amd64", &["-buildmode=pie", "-ldflags=-s -w"][..]),
        ("windows", "amd64", &["-ldflags=-s -w"][..]),
        ("darwin", "arm64", &["-ldflags=-s -w"][..]),
        ("aix", "ppc64", &[][..]),
    ];
    for (i, (goos, goarch, flags)) in targets.iter().enumerate() {
        let out = dir.0.join(format!("app-{i}-{goos}-{goarch}"));
        assert!(go_build(&app, &out, goos, goarch, flags)
            .wait()
            .unwrap()
            .success());
        let answer = functions_present(&out, &queries).unwrap();
        assert!(answer.names_readable, "{}", out.display());
        assert!(answer.function_count > 1000, "{}", out.display());
        let found: Vec<Vec<&str>> = answer
            .found
            .iter()
            .map(|f| f.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            found,
            vec![
                vec!["Println"],
                vec!["Hello"],
                vec!["Shout"],
                vec![],
                vec![],
                vec!["File.Write"],
                vec!["Hello", "Shout"],
            ],
            "{}",
            out.display()
        );
    }
    // Not an executable: no names, no error.
    let text = dir.0.join("text");
    fs::write(&text, "hello").unwrap();
    let answer = functions_present(&text, &queries).unwrap();
    assert!(!answer.names_readable);
    assert!(answer.found.iter().all(Vec::is_empty));
}
