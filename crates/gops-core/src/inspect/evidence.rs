//! Weighs the marks an `Image` points to, cheapest and strongest first, and stops reading as
//! soon as the answer is complete. Costly searches (generic sections, symbol tables, read-only
//! data) run only once something already says Go, so a non-Go file costs only its headers.

use std::io;

use super::image::Image;
use super::{
    buildid, buildinfo, buildversion, modinfo, pclntab, strings, symbols, BuildInfo, Evidence,
    Reason, ReasonCode,
};

/// Longest `runtime.buildVersion` taken; anything longer is not a version.
const MAX_VERSION: u64 = 1000;

#[derive(Debug, Default)]
pub(crate) struct Findings {
    /// The strongest evidence that the image is Go; `None` means not Go.
    pub source: Option<Evidence>,
    pub go_version: Option<String>,
    pub build_id: Option<String>,
    pub build_info: Option<BuildInfo>,
    /// Why a Go image has no module information, or why an image is not Go.
    pub reason: Option<Reason>,
}

impl Findings {
    fn note(&mut self, evidence: Evidence) {
        self.source = Some(self.source.map_or(evidence, |known| known.min(evidence)));
    }
}

pub(crate) fn examine(src: super::source::Source<'_>, image: &Image) -> io::Result<Findings> {
    let mut found = Findings {
        build_id: buildid::find(src, image)?,
        ..Findings::default()
    };
    if found.build_id.is_some() {
        found.note(Evidence::Buildid);
    }
    // `Some("")` is a blob without module text: a build outside module mode.
    let mut module_text = None;
    if let Some(blob) = buildinfo::find(src, image, image.go_hint || found.source.is_some())? {
        found.note(Evidence::Buildinfo);
        found.go_version = Some(blob.version);
        module_text = Some(blob.modinfo);
    }
    let search_pclntab = image.go_hint || image.search_without_hint;
    if found.source.is_none() && pclntab::present(src, image, search_pclntab)? {
        found.note(Evidence::Pclntab);
    }
    let hinted = image.go_hint || found.source.is_some();
    if let (None, true, Some(table)) = (&found.go_version, hinted, &image.symbols) {
        let symbols = symbols::lookup(src, table)?;
        if symbols.any() {
            found.note(Evidence::Symbols);
        }
        if let Some(at) = symbols.build_version {
            let version =
                image.read_go_string(src, at, image.ptr_size, image.endian, MAX_VERSION)?;
            found.go_version = version
                .map(|v| String::from_utf8_lossy(&v).into_owned())
                .filter(|v| buildinfo::is_go_version(v));
        }
    }
    if hinted && (found.go_version.is_none() || module_text.is_none()) {
        let strings = strings::scan(src, &image.rodata, found.go_version.is_none())?;
        // Framed module text is Go's own; a bare version string only ever completes other evidence.
        if strings.modinfo.is_some() {
            found.note(Evidence::Strings);
        }
        if found.source.is_some() {
            if found.go_version.is_none() {
                // The string header pins the version exactly; a standalone string is the fallback.
                let referenced = buildversion::find(src, image, &strings.targets)?;
                found.go_version = referenced.or(strings.version);
            }
            module_text = module_text.or(strings.modinfo);
        }
    }
    if found.source.is_none() {
        found.reason = Some(Reason::new(
            ReasonCode::NoGoEvidence,
            "no Go build info, Go build ID, pclntab, Go symbols or module text found",
        ));
        return Ok(found);
    }
    match build_info(module_text.as_deref()) {
        Ok(info) => found.build_info = Some(info),
        Err(reason) => found.reason = Some(reason),
    }
    Ok(found)
}

/// The module information of a Go image, or why there is none.
fn build_info(module_text: Option<&str>) -> Result<BuildInfo, Reason> {
    let missing = |why| Reason::new(ReasonCode::ModuleInfoMissing, why);
    match module_text {
        None => Err(missing(
            "no module information: the build-info blob is gone and no module text remains",
        )),
        Some("") => Err(missing(
            "no module information: the build-info blob holds none (built outside module mode)",
        )),
        Some(text) => modinfo::parse(text).map_err(|e| {
            Reason::new(
                ReasonCode::ModuleInfoInvalid,
                format!(
                    "module information cannot be parsed: line {}: {}",
                    e.line, e.reason
                ),
            )
        }),
    }
}
