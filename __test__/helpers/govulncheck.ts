// The real govulncheck (golang.org/x/vuln v1.9.0 from the module proxy, cached under .cache/),
// run in binary mode on the same files and database as our scanner, its JSON stream reduced to
// what we compare: per advisory id, the most precise level it reached.
import { execFile } from 'node:child_process'
import { goInstall, withCacheLock } from '../../support/go'

export const govulncheck = () => withCacheLock(() => goInstall('golang.org/x/vuln/cmd/govulncheck', 'v1.9.0'))

export interface PeerFinding {
  id: string
  level: 'symbol' | 'package' | 'module'
  /** `pkg.Receiver.Function` of each symbol-level trace. */
  symbols: string[]
  /** The finding's `fixed_version` (semver with `v`, the standard library's too). */
  fixed: string
  module: string
}

/** govulncheck prints a stream of JSON objects, not one document. */
export function parseJsonStream(text: string): unknown[] {
  const out: unknown[] = []
  let depth = 0
  let start = 0
  let inString = false
  let escaped = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (escaped) escaped = false
      else if (c === '\\') escaped = true
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{' && depth++ === 0) start = i
    else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)))
  }
  return out
}

/** `govulncheck -mode=binary -db file://DB -format json FILE`, by advisory id. */
export function runGovulncheck(file: string, dbDir: string): Promise<Map<string, PeerFinding>> {
  return new Promise((resolve, reject) => {
    execFile(govulncheck(), ['-mode=binary', '-db', `file://${dbDir}`, '-format', 'json', file], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error && !stdout) return reject(new Error(`govulncheck failed: ${stderr}`))
      const byId = new Map<string, PeerFinding>()
      const rank = { module: 0, package: 1, symbol: 2 }
      for (const item of parseJsonStream(stdout) as { finding?: { osv: string; fixed_version?: string; trace: { module: string; package?: string; function?: string; receiver?: string }[] } }[]) {
        if (!item.finding) continue
        const frame = item.finding.trace[0] ?? { module: '' }
        const level = frame.function ? 'symbol' : frame.package ? 'package' : 'module'
        const seen = byId.get(item.finding.osv) ?? { id: item.finding.osv, level, symbols: [], fixed: item.finding.fixed_version ?? '', module: frame.module }
        if (rank[level] > rank[seen.level]) seen.level = level
        if (frame.function) seen.symbols.push(`${frame.package}.${frame.receiver ? `${frame.receiver}.` : ''}${frame.function}`)
        byId.set(seen.id, seen)
      }
      resolve(byId)
    })
  })
}
