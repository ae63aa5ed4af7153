// The SBOM as SPDX 2.3 JSON. Written by hand: npm has no maintained library for SPDX 2.3
// documents (the SPDX project's own JavaScript tools are unpublished; npm's `npm sbom` writes its
// SPDX by hand too). The shape follows the official SPDX 2.3 JSON schema, which the tests
// validate every document against. Same packages as the CycloneDX document (packages.ts).
import { randomUUID } from 'node:crypto'
import { packageVersion } from '../package-root'
import { executableName, packagesOf, type GoPackage } from './packages'
import type { SbomExecutable } from './executables'

type Json = Record<string, unknown>

/** SPDX identifiers allow letters, digits, `.` and `-` only. */
const idPart = (text: string): string => text.replace(/[^A-Za-z0-9.-]/g, '-')

/** SPDX wants whole seconds in UTC. */
const spdxDate = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

export function spdxDocument(executables: readonly SbomExecutable[]): Json {
  const created = spdxDate(new Date())
  const tool = `Tool: gops-native-${packageVersion()}`
  const uuid = randomUUID()
  const packages: Json[] = []
  const relationships: Json[] = []
  for (const executable of executables) {
    const exeId = `SPDXRef-Executable-${idPart(executable.ref.replace(/^go-executable:/, ''))}`
    const all = packagesOf(executable)
    const main = all.find((p) => p.kind === 'main')
    packages.push({
      SPDXID: exeId,
      name: main?.name ?? executableName(executable),
      ...(main?.version && { versionInfo: main.version }),
      supplier: 'NOASSERTION',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      checksums: [{ algorithm: 'SHA256', checksumValue: executable.sha256 }],
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'APPLICATION',
      ...(main && { externalRefs: refsOf(main) }),
      comment: executableComment(executable),
      ...(executable.processes.length > 0 && {
        annotations: executable.processes.map((p) => ({
          annotationDate: created,
          annotationType: 'OTHER',
          annotator: tool,
          comment: [
            `running as process ${p.pid}`,
            p.nsPid !== undefined && `(PID ${p.nsPid} in its namespace)`,
            `from ${p.path}${p.deleted ? ' (deleted)' : ''}`,
            p.container?.id && `in container ${p.container.id}`,
            p.container && `cgroup ${p.container.cgroup}`,
            `since ${new Date(p.startedMs).toISOString()}`,
          ]
            .filter(Boolean)
            .join(' '),
        })),
      }),
    })
    relationships.push({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: exeId })
    all.forEach((pkg, i) => {
      if (pkg.kind === 'main') return
      const id = `${exeId}-${i}-${idPart(pkg.name)}`
      packages.push(libraryPackage(pkg, id))
      // Go links every module into the executable: it contains them, as syft relates a binary to its modules.
      relationships.push({ spdxElementId: exeId, relationshipType: 'CONTAINS', relatedSpdxElement: id })
    })
  }
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `gops-native-sbom-${uuid}`,
    documentNamespace: `https://spdx.org/spdxdocs/gops-native-${uuid}`,
    creationInfo: { created, creators: [tool] },
    packages,
    relationships,
  }
}

function refsOf(pkg: GoPackage): Json[] {
  const refs: Json[] = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }]
  if (pkg.cpe) refs.push({ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: pkg.cpe })
  return refs
}

function libraryPackage(pkg: GoPackage, id: string): Json {
  const notes = [
    pkg.sum && `go.sum hash ${pkg.sum}`,
    pkg.replaces && `replaces ${pkg.replaces}`,
    pkg.directory && `replaced by the directory ${pkg.directory}`,
  ].filter(Boolean)
  return {
    SPDXID: id,
    name: pkg.name,
    ...(pkg.version && { versionInfo: pkg.version }),
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: 'LIBRARY',
    externalRefs: refsOf(pkg),
    ...(notes.length > 0 && { comment: notes.join('; ') }),
  }
}

/** What SPDX 2.3 has no field for, one fact a line: files, toolchain, binary, build settings (as `go version -m` prints them). */
function executableComment(e: SbomExecutable): string {
  const lines = [
    ...e.files.map((f) => `file\t${f}`),
    e.goVersion && `go\t${e.goVersion}`,
    e.buildInfo?.path && `path\t${e.buildInfo.path}`,
    `binary\t${e.format}${e.arch ? ` ${e.arch}` : ''}, ${e.size} bytes`,
    e.buildId && `buildid\t${e.buildId}`,
    e.source && e.source !== 'buildinfo' && `recovered from\t${e.source}`,
    ...Object.entries(e.buildInfo?.settings ?? {}).map(([k, v]) => `build\t${k}=${v}`),
  ]
  return lines.filter(Boolean).join('\n')
}
