// Prints inspect results the way `go version -m` does (or as JSON) and picks the exit code:
// 0 when every file could be read, 1 otherwise; every file is reported either way.
import { type BuildInfo, type GoBinaryInfo, type GoModule, type GoModuleReplacement, type InspectResult, inspectMany, inspectSync } from '../../inspect'
import { INSPECT_ERROR_CODES, isCodeOf, isGopsError } from '../../errors'
import { printJson, writeStderr, writeStdout } from '../output'

/** Up to this many files (and no --concurrency), the command reads them one by one on the JS thread. */
export const JS_THREAD_MAX_FILES = 64

export async function runInspect(files: string[], options: { json?: boolean; concurrency?: number }): Promise<number> {
  // A few dozen files are read on the JS thread: the CLI has nothing else to do, and threads
  // (libuv's pool, then the addon's) cost more to start than the reads (52 fixtures in a fresh
  // process: 45 ms one by one, 67 ms through inspectMany, medians on a loaded 2-core machine).
  const results =
    options.concurrency === undefined && files.length <= JS_THREAD_MAX_FILES
      ? files.map(inspectOne)
      : await inspectMany(files, { concurrency: options.concurrency })
  if (options.json) printJson(results)
  else for (const item of results) printText(item)
  return results.some((item) => !item.ok) ? 1 : 0
}

/** `inspectSync` as one item of `inspectMany`: a file that cannot be read is a result, not a throw. */
function inspectOne(path: string): InspectResult {
  try {
    return { ok: true, path, result: inspectSync(path) }
  } catch (error) {
    if (isGopsError(error) && isCodeOf(INSPECT_ERROR_CODES, error.code)) return { ok: false, path, error: { code: error.code, message: error.message } }
    throw error
  }
}

function printText(item: InspectResult): void {
  if (!item.ok) {
    writeStderr(`gops-native: ${item.error.message}\n`)
  } else if (item.result.slices) {
    for (const slice of item.result.slices) printBinary(`${item.path} (${slice.arch})`, slice)
  } else {
    printBinary(item.path, item.result)
  }
}

/** Go's own wording: `go version` prints this line to stderr for a file that is not Go. */
function printBinary(label: string, info: Pick<GoBinaryInfo, 'isGo' | 'goVersion' | 'source' | 'buildInfo'>): void {
  if (!info.isGo) {
    writeStderr(`${label}: could not read Go build info from ${label}: not a Go executable\n`)
    return
  }
  const lines = info.source && info.source !== 'buildinfo' ? [`source\t${info.source}`] : []
  if (info.buildInfo) lines.push(...moduleText(info.buildInfo))
  const body = lines.map((line) => `\t${line}\n`).join('')
  writeStdout(`${label}: ${info.goVersion ?? 'unknown Go version'}\n${body}`)
}

/** runtime/debug.BuildInfo.String() without its `go` line, split into lines (its quirks kept). */
function moduleText(buildInfo: BuildInfo): string[] {
  let text = buildInfo.path ? `path\t${buildInfo.path}\n` : ''
  const formatModule = (word: string, module: GoModule | GoModuleReplacement): void => {
    text += `${word}\t${module.path}\t${module.version}`
    if ('replace' in module && module.replace) {
      text += '\n'
      formatModule('=>', module.replace)
    } else {
      text += `\t${module.sum}`
    }
    text += '\n'
  }
  if (buildInfo.main) formatModule('mod', buildInfo.main)
  for (const dep of buildInfo.deps) formatModule('dep', dep)
  for (const [key, value] of Object.entries(buildInfo.settings)) {
    const quotedKey = key === '' || /[= \t\r\n"`]/.test(key) ? goQuote(key) : key
    const quotedValue = /[ \t\r\n"`]/.test(value) ? goQuote(value) : value
    text += `build\t${quotedKey}=${quotedValue}\n`
  }
  return text === '' ? [] : text.slice(0, -1).split('\n')
}

const goEscapes: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' }

/** Go's strconv.Quote: printable runes kept, the rest escaped. */
function goQuote(s: string): string {
  // Printable ASCII (nearly every setting) needs only \ and " escaped; the Unicode classes
  // below cost more to compile than the whole rest of the command.
  if (/^[\x20-\x7e]*$/.test(s)) return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`
  let out = '"'
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    if (ch in goEscapes) out += goEscapes[ch]
    else if (ch === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) out += ch
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`
    else out += `\\U${cp.toString(16).padStart(8, '0')}`
  }
  return `${out}"`
}
