// What a built addon is, read with our own inspect and with the system's binary tools: the
// facts both the build (refusing a wrong file) and the platform tests check.
import { execFileSync } from 'node:child_process'
import { inspectSync } from '../../index'
import { glibcFloor, type Platform } from './targets'

export interface AddonFacts {
  format: string
  arch: string | null
  /** The entry point Node calls: napi_register_module_v1, among the exported symbols. */
  exportsRegister: boolean
  /** ELF: the shared libraries it needs (readelf -d); PE: the DLLs it imports from (objdump -p). */
  needed: string[]
  /** ELF only: the newest glibc symbol version it asks for (objdump -T), e.g. "2.17". */
  newestGlibc: string | null
}

const run = (file: string, args: string[]): string =>
  execFileSync(file, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] })

/** ELF: the dynamic symbol table; Mach-O: the export trie (both llvm-nm); PE: the export table. */
function exportedSymbols(path: string, format: string): string[] {
  // A stripped DLL has no symbol table for nm to read: its exports are only in the export table.
  if (format === 'pe') return [...peDump(path).matchAll(/^\s*\[\s*\d+\] (\S+)$/gm)].map((m) => m[1])
  const args = format === 'elf' ? ['-D', '--defined-only', path] : ['--extern-only', '--defined-only', path]
  return run('llvm-nm', args)
    .split('\n')
    .map((line) => line.trim().split(/\s+/).pop()!)
    .filter(Boolean)
}

const peDump = (path: string): string => run('objdump', ['-p', path])

function neededLibraries(path: string, format: string): string[] {
  if (format === 'elf') return [...run('readelf', ['-d', path]).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1])
  if (format === 'pe') return [...new Set([...peDump(path).matchAll(/DLL Name: (\S+)/g)].map((m) => m[1].toLowerCase()))]
  return []
}

export function addonFacts(path: string): AddonFacts {
  const info = inspectSync(path)
  const symbols = exportedSymbols(path, info.format)
  const needed = neededLibraries(path, info.format)
  const glibc = info.format === 'elf' ? [...run('objdump', ['-T', path]).matchAll(/GLIBC_([0-9.]+)/g)].map((m) => m[1]) : []
  const newestGlibc = glibc.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop() ?? null
  return {
    format: info.format,
    arch: info.arch,
    exportsRegister: symbols.some((s) => s === 'napi_register_module_v1' || s === '_napi_register_module_v1'),
    needed,
    newestGlibc,
  }
}

/** What is wrong with `facts` for `platform`; empty when it is the right file. */
export function addonProblems(platform: Platform, facts: AddonFacts): string[] {
  const problems: string[] = []
  if (facts.format !== platform.format) problems.push(`format ${facts.format}, expected ${platform.format}`)
  if (facts.arch !== platform.arch) problems.push(`architecture ${facts.arch}, expected ${platform.arch}`)
  if (!facts.exportsRegister) problems.push('napi_register_module_v1 is not exported')
  if (platform.libc === 'musl' && (facts.needed.length !== 1 || facts.needed[0] !== 'libc.so'))
    problems.push(`needs ${facts.needed.join(', ')}, expected musl's libc.so alone`)
  if (facts.needed.includes('libnode.dll')) problems.push('imports from libnode.dll instead of loading napi symbols from the host')
  if (platform.libc === 'glibc' && facts.newestGlibc && facts.newestGlibc.localeCompare(glibcFloor, 'en', { numeric: true }) > 0)
    problems.push(`asks for GLIBC_${facts.newestGlibc}, newer than ${glibcFloor}`)
  return problems
}
