// Prints vulns() reports as text or JSON and picks the exit code, as govulncheck does: 3 when
// something was found (text only), 1 when a target could not be checked, else 0.
import { type VulnReport, vulns } from '../../inventory/vulns'
import { GopsError } from '../../errors'
import { printJson } from '../output'

export async function runVulns(targets: string[], options: { db?: string; json?: boolean }): Promise<number> {
  // GOVULNDB is what govulncheck's users already set.
  const db = options.db ?? process.env.GOVULNDB
  if (!db) throw new GopsError('INVALID_ARGUMENT', 'no vulnerability database: pass --db DIR|URL|all.zip (or set GOVULNDB)')
  const reports = await vulns({ db, targets })
  if (options.json) printJson(reports)
  else printText(reports, targets.length === 0)
  if (reports.some((r) => r.error)) return 1
  return !options.json && reports.some((r) => r.findings.length > 0) ? 3 : 0
}

function printText(reports: VulnReport[], host: boolean): void {
  let out = ''
  if (host && reports.length === 0) out += 'No Go processes found.\n'
  for (const r of reports) {
    if (r.error) {
      process.stderr.write(`gops-native: ${r.pid === null ? r.target : `pid ${r.pid}`}: ${r.error.message}\n`)
      continue
    }
    const label = r.pid === null ? r.path : `pid ${r.pid} ${r.path}`
    const symbolLevel = r.findings.filter((f) => f.level === 'symbol').length
    const count = r.findings.length
    out += `${label} (${r.goVersion ?? 'unknown Go version'}): `
    out += count === 0 ? 'no known vulnerabilities' : `${count} ${count === 1 ? 'vulnerability' : 'vulnerabilities'}, ${symbolLevel} with vulnerable functions present`
    out += r.symbolsReadable ? '\n' : ' (function names unreadable: module level only)\n'
    for (const f of r.findings) {
      out += `  ${f.id}  ${f.module}@${f.version}  ${f.fixed ? `fixed in ${f.fixed}` : 'no fix'}  `
      out += f.level === 'symbol' ? `functions: ${f.symbols.join(', ')}\n` : 'module version only\n'
    }
    for (const u of r.unknown) {
      out += `  ${u.module}@${u.version || '(no version)'}: version unknown, ${u.ids.length} ${u.ids.length === 1 ? 'advisory' : 'advisories'} not checked (${u.ids.join(', ')})\n`
    }
  }
  process.stdout.write(out)
}
