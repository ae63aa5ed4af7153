// The official JSON schemas every SBOM the tests produce is checked against: CycloneDX 1.6 through
// the CycloneDX library's own strict validator (its bundled schemas, with ajv), and SPDX 2.3
// through the SPDX project's schema, byte for byte the one tagged for the 2.3 release
// (spdx/spdx-spec, schemas/spdx-schema.json at 214f23d, 2022-07-18). npm has no package with it;
// the PyPI package lib4sbom ships that exact file, so the tests fetch it from there with pip,
// cache it under .cache/, and refuse it unless its SHA-256 is the release's.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as CDX from '@cyclonedx/cyclonedx-library'
import Ajv, { type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { cacheDir, withCacheLock } from '../../support/go'

/** Null when `json` is valid CycloneDX 1.6 (strict: no property the schema does not name), else the errors. */
export async function cyclonedxErrors(json: string): Promise<unknown> {
  return new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(json)
}

const LIB4SBOM = 'lib4sbom==0.10.4'
const SCHEMA_IN_WHEEL = 'lib4sbom/schemas/spdx/2.3-schema.json'
/** spdx/spdx-spec's schemas/spdx-schema.json as released with SPDX 2.3. */
export const SPDX_23_SCHEMA_SHA256 = '239208b7ac287b3cf5d9a9af23f9d69863971102a5e1587a27a398b43490b89b'

/** The official SPDX 2.3 JSON schema's path (fetched once with pip into .cache/). */
export function spdxSchemaFile(): string {
  const out = join(cacheDir, 'schemas', 'spdx-2.3.schema.json')
  if (existsSync(out)) return out
  return withCacheLock(() => {
    if (existsSync(out)) return out
    const scratch = join(cacheDir, 'schemas', `pip-${process.pid}`)
    mkdirSync(scratch, { recursive: true })
    try {
      execFileSync('python3', ['-m', 'pip', 'download', '--quiet', '--no-deps', '--disable-pip-version-check', '-d', scratch, LIB4SBOM], { stdio: ['ignore', 'ignore', 'pipe'] })
      const wheel = join(scratch, readdirSync(scratch).find((f) => f.endsWith('.whl'))!)
      const schema = execFileSync('python3', ['-c', 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', wheel, SCHEMA_IN_WHEEL])
      const sha = createHash('sha256').update(schema).digest('hex')
      if (sha !== SPDX_23_SCHEMA_SHA256) throw new Error(`${LIB4SBOM}'s ${SCHEMA_IN_WHEEL} is not the SPDX 2.3 release schema (sha256 ${sha})`)
      writeFileSync(`${out}.partial`, schema)
      renameSync(`${out}.partial`, out)
      return out
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  })
}

let spdxValidator: ValidateFunction | undefined

/** Null when `document` is valid against the official SPDX 2.3 schema, else ajv's errors. */
export function spdxErrors(document: unknown): unknown {
  if (!spdxValidator) {
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    spdxValidator = ajv.compile(JSON.parse(readFileSync(spdxSchemaFile(), 'utf8')))
  }
  return spdxValidator(document) ? null : spdxValidator.errors
}
