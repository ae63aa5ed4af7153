//! Parses the module text into `BuildInfo`, with the rules of Go's `debug.ParseBuildInfo`, so
//! every field equals what `go version -m` prints.

use super::{BuildInfo, Module};

/// Why module text was rejected (Go rejects the whole text, and so do we).
#[derive(Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub reason: &'static str,
}

/// Parses module text. Lines end in `\n`; a trailing fragment without one is dropped; lines with
/// unknown prefixes are skipped.
pub fn parse(text: &str) -> Result<BuildInfo, ParseError> {
    let mut info = BuildInfo::default();
    // Which module a `=>` line replaces: the main module, a dep (by index), or none.
    let mut last: Option<Option<usize>> = None;
    let mut rest = text;
    let mut line_no = 1;
    while let Some((line, tail)) = rest.split_once('\n') {
        rest = tail;
        let fail = |reason| ParseError {
            line: line_no,
            reason,
        };
        if let Some(path) = line.strip_prefix("path\t") {
            info.path = path.to_string();
        } else if let Some(cols) = line.strip_prefix("mod\t") {
            info.main = Some(module_line(cols).ok_or_else(|| fail("expected 2 or 3 columns"))?);
            last = Some(None);
        } else if let Some(cols) = line.strip_prefix("dep\t") {
            info.deps
                .push(module_line(cols).ok_or_else(|| fail("expected 2 or 3 columns"))?);
            last = Some(Some(info.deps.len() - 1));
        } else if let Some(cols) = line.strip_prefix("=>\t") {
            let cols: Vec<&str> = cols.split('\t').collect();
            let [path, version, sum] = cols[..] else {
                return Err(fail("expected 3 columns for replacement"));
            };
            let replaced = match last.take() {
                Some(None) => info.main.as_mut(),
                Some(Some(dep)) => info.deps.get_mut(dep),
                None => None,
            };
            let replaced =
                replaced.ok_or_else(|| fail("replacement with no module on previous line"))?;
            replaced.replace = Some(Box::new(Module {
                path: path.to_string(),
                version: version.to_string(),
                sum: sum.to_string(),
                replace: None,
            }));
        } else if let Some(kv) = line.strip_prefix("build\t") {
            info.settings.push(build_setting(kv).map_err(fail)?);
        }
        line_no += 1;
    }
    Ok(info)
}

fn module_line(cols: &str) -> Option<Module> {
    let cols: Vec<&str> = cols.split('\t').collect();
    let (path, version, sum) = match cols[..] {
        [path, version] => (path, version, ""),
        [path, version, sum] => (path, version, sum),
        _ => return None,
    };
    Some(Module {
        path: path.to_string(),
        version: version.to_string(),
        sum: sum.to_string(),
        replace: None,
    })
}

/// `key=value`, either side quoted Go-style when it holds characters that need it.
fn build_setting(kv: &str) -> Result<(String, String), &'static str> {
    let (key, raw_value) = match kv.as_bytes().first() {
        None => return Err("build line missing '='"),
        Some(b'=') => return Err("build line with missing key"),
        Some(b'`' | b'"') => {
            let raw_key = quoted_prefix(kv).ok_or("invalid quoted key in build line")?;
            match kv.as_bytes().get(raw_key.len()) {
                None => return Err("build line missing '=' after quoted key"),
                Some(b'=') => {}
                Some(_) => return Err("unexpected character after quoted key"),
            }
            (
                unquote(raw_key).ok_or("invalid quoted key in build line")?,
                &kv[raw_key.len() + 1..],
            )
        }
        Some(_) => {
            let (key, value) = kv
                .split_once('=')
                .ok_or("build line missing '=' after key")?;
            if key.is_empty() || needs_quotes(key, "= \t\r\n\"`") {
                return Err("unquoted key must be quoted");
            }
            (key.to_string(), value)
        }
    };
    let value = match raw_value.as_bytes().first() {
        Some(b'`' | b'"') => unquote(raw_value).ok_or("invalid quoted value in build line")?,
        _ if needs_quotes(raw_value, " \t\r\n\"`") => return Err("unquoted value must be quoted"),
        _ => raw_value.to_string(),
    };
    Ok((key, value))
}

fn needs_quotes(s: &str, specials: &str) -> bool {
    s.chars().any(|c| specials.contains(c))
}

/// The quoted string at the start of `s` (Go's `strconv.QuotedPrefix`), quotes included.
fn quoted_prefix(s: &str) -> Option<&str> {
    let bytes = s.as_bytes();
    let quote = *bytes.first()?;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\n' if quote == b'"' => return None,
            c if c == quote => {
                let prefix = &s[..=i];
                return unquote(prefix).map(|_| prefix);
            }
            _ => i += 1,
        }
    }
    None
}

/// Go's `strconv.Unquote` for `"..."` and `` `...` `` strings.
fn unquote(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    if bytes.len() < 2 || bytes[0] != bytes[bytes.len() - 1] {
        return None;
    }
    let inner = &s[1..s.len() - 1];
    if bytes[0] == b'`' {
        return (!inner.contains('`')).then(|| inner.replace('\r', ""));
    }
    if bytes[0] != b'"' || inner.contains('\n') {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'a' => out.push(0x07),
                    'b' => out.push(0x08),
                    'f' => out.push(0x0c),
                    'n' => out.push(b'\n'),
                    'r' => out.push(b'\r'),
                    't' => out.push(b'\t'),
                    'v' => out.push(0x0b),
                    '\\' => out.push(b'\\'),
                    '"' => out.push(b'"'),
                    'x' => out.push(hex_digits(&mut chars, 2)? as u8),
                    'u' | 'U' => {
                        let c =
                            char::from_u32(hex_digits(&mut chars, if e == 'u' { 4 } else { 8 })?)?;
                        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                    '0'..='7' => {
                        let mut value = e.to_digit(8)?;
                        for _ in 0..2 {
                            value = value * 8 + chars.next()?.1.to_digit(8)?;
                        }
                        out.push(u8::try_from(value).ok()?);
                    }
                    _ => return None,
                }
            }
            c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

fn hex_digits(chars: &mut std::str::CharIndices<'_>, n: usize) -> Option<u32> {
    (0..n).try_fold(0u32, |acc, _| {
        Some(acc * 16 + chars.next()?.1.to_digit(16)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(path: &str, version: &str, sum: &str) -> Module {
        Module {
            path: path.into(),
            version: version.into(),
            sum: sum.into(),
            replace: None,
        }
    }

    #[test]
    fn parses_what_go_version_m_prints() {
        let text = "path\texample.com/cmd\n\
                    mod\texample.com\t(devel)\t\n\
                    dep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n\
                    dep\texample.com/old\tv1.0.0\t\n\
                    =>\t../local\t(devel)\t\n\
                    build\t-compiler=gc\n\
                    build\t-ldflags=\"-s -w -X main.v=1\"\n\
                    build\tCGO_ENABLED=0\n\
                    build\tvcs.modified=\n\
                    trailing\tfragment";
        let info = parse(text).unwrap();
        assert_eq!(info.path, "example.com/cmd");
        assert_eq!(info.main, Some(module("example.com", "(devel)", "")));
        let mut replaced = module("example.com/old", "v1.0.0", "");
        replaced.replace = Some(Box::new(module("../local", "(devel)", "")));
        assert_eq!(
            info.deps,
            vec![module("golang.org/x/sys", "v0.1.0", "h1:abc="), replaced]
        );
        let settings: Vec<(&str, &str)> = info
            .settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            settings,
            [
                ("-compiler", "gc"),
                ("-ldflags", "-s -w -X main.v=1"),
                ("CGO_ENABLED", "0"),
                ("vcs.modified", "")
            ]
        );
    }

    #[test]
    fn drops_a_trailing_fragment_and_unknown_lines() {
        let info = parse("path\ta\nunknown\tline\nbuild\tk=v").unwrap();
        assert_eq!(info.path, "a");
        assert!(info.settings.is_empty());
    }

    #[test]
    fn unquotes_keys_and_values_like_strconv() {
        let info = parse("build\t\"a key\"=`raw\\n`\nbuild\tk=\"tab\\there \\x41\\u00e9\\101\"\n")
            .unwrap();
        assert_eq!(
            info.settings[0],
            ("a key".to_string(), "raw\\n".to_string())
        );
        assert_eq!(
            info.settings[1],
            ("k".to_string(), "tab\there AéA".to_string())
        );
    }

    #[test]
    fn rejects_what_go_rejects() {
        let reason = |text: &str| parse(text).unwrap_err().reason;
        assert_eq!(
            reason("=>\ta\tb\tc\n"),
            "replacement with no module on previous line"
        );
        assert_eq!(
            reason("dep\ta\tb\n=>\ta\tb\tc\n=>\td\te\tf\n"),
            "replacement with no module on previous line"
        );
        assert_eq!(reason("dep\tonly\n"), "expected 2 or 3 columns");
        assert_eq!(
            reason("mod\ta\tb\n=>\ta\tb\n"),
            "expected 3 columns for replacement"
        );
        assert_eq!(reason("build\t=v\n"), "build line with missing key");
        assert_eq!(reason("build\tnokey\n"), "build line missing '=' after key");
        assert_eq!(
            reason("build\tk=two words\n"),
            "unquoted value must be quoted"
        );
        assert_eq!(
            reason("build\t\"k\"v\n"),
            "unexpected character after quoted key"
        );
        assert_eq!(
            reason("build\tk=\"open\n"),
            "invalid quoted value in build line"
        );
        assert_eq!(parse("path\tp\nbuild\tk=\"bad\\q\"\n").unwrap_err().line, 2);
    }
}
