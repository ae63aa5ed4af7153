// The SBOM as CycloneDX 1.6 JSON, built and serialized with CycloneDX's own library. Every
// executable is an `application` component (its main module, with the SHA-256 of its bytes, its
// build settings and the processes running it as properties); its dependencies and the
// standard library are `library` components at the top level, as syft lists them, and the
// dependency graph says which executable holds which.
import * as CDX from '@cyclonedx/cyclonedx-library'
import { packageVersion } from '../package-root'
import { executableName, packagesOf, type GoPackage } from './packages'
import type { SbomExecutable } from './executables'

/** Our properties' namespace (CycloneDX's taxonomy: a tool's own prefix); `cdx:gomod:build:env:*` are the registered names for three settings. */
const NS = 'gops-native'

/** The registered CycloneDX property names for the build settings that have one. */
const TAXONOMY_SETTINGS: Record<string, string> = {
  GOOS: 'cdx:gomod:build:env:GOOS',
  GOARCH: 'cdx:gomod:build:env:GOARCH',
  CGO_ENABLED: 'cdx:gomod:build:env:CGO_ENABLED',
}

export function cyclonedxBom(executables: readonly SbomExecutable[]): CDX.Models.Bom {
  const { randomSerialNumber } = CDX.Contrib.Bom.Utils
  const bom = new CDX.Models.Bom({ serialNumber: randomSerialNumber() })
  bom.metadata.timestamp = new Date()
  bom.metadata.tools.components.add(
    new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'gops-native', {
      version: packageVersion(),
      purl: `pkg:npm/gops-native@${packageVersion()}`,
    }),
  )
  for (const executable of executables) {
    const packages = packagesOf(executable)
    const main = packages.find((p) => p.kind === 'main')
    const app = new CDX.Models.Component(CDX.Enums.ComponentType.Application, main?.name ?? executableName(executable), {
      bomRef: executable.ref,
      version: main?.version ?? undefined,
      purl: main?.purl,
    })
    app.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], executable.sha256)
    for (const [name, value] of executableProperties(executable, main)) app.properties.add(new CDX.Models.Property(name, value))
    bom.components.add(app)
    for (const pkg of packages) {
      if (pkg.kind === 'main') continue
      const library = libraryComponent(pkg, `${executable.ref}|${pkg.purl}`)
      bom.components.add(library)
      app.dependencies.add(library.bomRef)
    }
  }
  return bom
}

export function cyclonedxJson(executables: readonly SbomExecutable[]): string {
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6))
  return serializer.serialize(cyclonedxBom(executables), { sortLists: true, space: 2 }) + '\n'
}

function libraryComponent(pkg: GoPackage, bomRef: string): CDX.Models.Component {
  const library = new CDX.Models.Component(CDX.Enums.ComponentType.Library, pkg.name, {
    bomRef,
    version: pkg.version ?? undefined,
    purl: pkg.purl,
    cpe: pkg.cpe ?? undefined,
  })
  const properties: [string, string | null][] = [
    [`${NS}:go:sum`, pkg.sum],
    [`${NS}:go:replaces`, pkg.replaces],
    [`${NS}:go:replace:directory`, pkg.directory],
  ]
  for (const [name, value] of properties) if (value) library.properties.add(new CDX.Models.Property(name, value))
  return library
}

function executableProperties(e: SbomExecutable, main: GoPackage | undefined): [string, string][] {
  const out: [string, string][] = []
  const add = (name: string, value: string | number | boolean | null | undefined): void => {
    if (value !== null && value !== undefined && value !== '') out.push([name, String(value)])
  }
  add(`${NS}:go:version`, e.goVersion)
  add(`${NS}:go:package`, e.buildInfo?.path)
  add(`${NS}:go:sum`, main?.sum)
  if (e.buildInfo?.main?.version) add(`${NS}:go:main:version`, e.buildInfo.main.version)
  add(`${NS}:binary:format`, e.format)
  add(`${NS}:binary:arch`, e.arch)
  add(`${NS}:binary:size`, e.size)
  add(`${NS}:go:buildid`, e.buildId)
  if (e.source && e.source !== 'buildinfo') add(`${NS}:go:recovered-from`, e.source)
  for (const [key, value] of Object.entries(e.buildInfo?.settings ?? {})) {
    add(`${NS}:go:build:${key}`, value)
    if (key in TAXONOMY_SETTINGS) add(TAXONOMY_SETTINGS[key], value)
  }
  e.files.forEach((path, i) => add(`${NS}:file:${i}:path`, path))
  e.processes.forEach((p, i) => {
    const at = `${NS}:process:${i}`
    add(`${at}:pid`, p.pid)
    add(`${at}:ns-pid`, p.nsPid)
    add(`${at}:name`, p.name)
    add(`${at}:path`, p.path)
    if (p.deleted) add(`${at}:deleted`, true)
    add(`${at}:started`, new Date(p.startedMs).toISOString())
    add(`${at}:container:id`, p.container?.id)
    add(`${at}:container:cgroup`, p.container?.cgroup)
  })
  return out
}
