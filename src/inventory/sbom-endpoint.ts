// The exporter's /sbom: this host's CycloneDX document for pull-based collectors. Made at most
// once per interval however often it is fetched (as /metrics rescans), concurrent requests
// share one build, and executables already hashed are not read again (sbom.ts's cache).
import { sbom } from './sbom'

export class HostSbom {
  readonly mediaType = 'application/vnd.cyclonedx+json; version=1.6'
  readonly #intervalMs: number
  #made: { at: number; json: string } | null = null
  #building: Promise<string> | null = null

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs
  }

  /** The document's JSON, at most `intervalMs` old. */
  get(): Promise<string> {
    if (this.#made && Date.now() - this.#made.at < this.#intervalMs) return Promise.resolve(this.#made.json)
    this.#building ??= sbom([])
      .then(({ json }) => {
        this.#made = { at: Date.now(), json }
        return json
      })
      .finally(() => {
        this.#building = null
      })
    return this.#building
  }
}
