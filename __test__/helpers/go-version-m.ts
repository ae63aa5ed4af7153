// The oracle: what the Go toolchain itself says about a file. `go version -m` output is parsed
// the way runtime/debug.ParseBuildInfo reads module text, so every field can be compared.
import { spawnSync } from 'node:child_process'
import type { BuildInfo, GoModule } from '../../src/inspect'

export interface GoVersionReport {
  /** The raw stdout of `go version -m`, for byte-for-byte CLI comparisons. */
  text: string
  goVersion: string
  buildInfo: BuildInfo
}

/** Runs `go version -m file`; null when Go cannot read build info from it. Never pass a FIFO. */
export function goVersionM(file: string): GoVersionReport | null {
  const run = spawnSync('go', ['version', '-m', file], { encoding: 'utf8' })
  if (run.error) throw run.error
  if (run.status !== 0 || run.stdout === '') return null
  return { text: run.stdout, ...parseGoVersionM(run.stdout, file) }
}

/** `go tool buildid file`: the Go build ID as Go reads it, or null when Go finds none. Go files only. */
export function goToolBuildId(file: string): string | null {
  const run = spawnSync('go', ['tool', 'buildid', file], { encoding: 'utf8' })
  if (run.error) throw run.error
  const id = run.stdout.trim()
  return run.status === 0 && id !== '' ? id : null
}

export function parseGoVersionM(text: string, file: string): Omit<GoVersionReport, 'text'> {
  const [first, ...rest] = text.replace(/\n$/, '').split('\n')
  const header = `${file}: `
  if (!first.startsWith(header)) throw new Error(`unexpected go version header: ${first}`)
  const buildInfo: BuildInfo = { path: '', main: null, deps: [], settings: {} }
  let last: GoModule | undefined
  for (const line of rest) {
    if (!line.startsWith('\t')) throw new Error(`unexpected go version line: ${line}`)
    const [word, ...columns] = line.slice(1).split('\t')
    const replacement = () => ({ path: columns[0], version: columns[1] ?? '', sum: columns[2] ?? '' })
    const module = (): GoModule => ({ ...replacement(), replace: null })
    switch (word) {
      case 'path':
        buildInfo.path = columns.join('\t')
        break
      case 'mod':
        buildInfo.main = last = module()
        break
      case 'dep':
        last = module()
        buildInfo.deps.push(last)
        break
      case '=>':
        if (!last) throw new Error('replacement with nothing to replace')
        last.replace = replacement()
        last = undefined
        break
      case 'build': {
        const [key, value] = splitSetting(columns.join('\t'))
        buildInfo.settings[key] = value
        break
      }
      // Go prints an empty line after each replaced module; nothing else is expected.
      case '':
        break
      default:
        throw new Error(`unexpected go version line: ${line}`)
    }
  }
  return { goVersion: first.slice(header.length), buildInfo }
}

/** `key=value`, either side possibly quoted Go-style (see runtime/debug.quoteKey/quoteValue). */
function splitSetting(kv: string): [string, string] {
  let key: string
  let rawValue: string
  if (kv.startsWith('"') || kv.startsWith('`')) {
    const rawKey = quotedPrefix(kv)
    key = unquote(rawKey)
    rawValue = kv.slice(rawKey.length + 1)
  } else {
    const eq = kv.indexOf('=')
    key = kv.slice(0, eq)
    rawValue = kv.slice(eq + 1)
  }
  const quoted = rawValue.startsWith('"') || rawValue.startsWith('`')
  return [key, quoted ? unquote(rawValue) : rawValue]
}

function quotedPrefix(s: string): string {
  const quote = s[0]
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\' && quote === '"') i++
    else if (s[i] === quote) return s.slice(0, i + 1)
  }
  throw new Error(`unterminated quoted string: ${s}`)
}

const simpleEscapes: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" }

/** Go's strconv.Unquote for the two forms build settings use. Escapes decode to UTF-8 bytes. */
function unquote(quoted: string): string {
  if (quoted.startsWith('`')) return quoted.slice(1, -1)
  const bytes: number[] = []
  const body = quoted.slice(1, -1)
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      const cp = body.codePointAt(i)!
      bytes.push(...Buffer.from(String.fromCodePoint(cp)))
      if (cp > 0xffff) i++
      continue
    }
    const c = body[++i]
    if (c in simpleEscapes) bytes.push(simpleEscapes[c].charCodeAt(0))
    else if (c === 'x') bytes.push(parseInt(body.slice(i + 1, (i += 2) + 1), 16))
    else if (c === 'u' || c === 'U') {
      const n = c === 'u' ? 4 : 8
      bytes.push(...Buffer.from(String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + n), 16))))
      i += n
    } else if (c >= '0' && c <= '7') bytes.push(parseInt(body.slice(i, (i += 2) + 1), 8))
    else throw new Error(`bad escape \\${c} in ${quoted}`)
  }
  return Buffer.from(bytes).toString('utf8')
}
