// Debian's builds of the exporters we compare with, fetched as .debs (apt-get download, no
// install) and unpacked under .cache/peers: nothing is installed on the host.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../src/package-root'

const cache = join(packageRoot, '.cache')

/** The path of `binary` from Debian's package `pkg`, fetched and unpacked once. */
export function debianBinary(pkg: string, binary: string): string {
  const root = join(cache, 'peers', pkg)
  const path = join(root, 'usr', 'bin', binary)
  if (existsSync(path)) return path
  const debs = join(cache, 'debs')
  mkdirSync(debs, { recursive: true })
  const find = () => readdirSync(debs).find((name) => name.startsWith(`${pkg}_`) && name.endsWith('.deb'))
  if (!find()) {
    try {
      execFileSync('apt-get', ['download', pkg], { cwd: debs, stdio: ['ignore', 'ignore', 'pipe'] })
    } catch (error) {
      throw new Error(`cannot fetch Debian's ${pkg} (apt-get download ${pkg}; on Debian/Ubuntu run apt-get update first): ${(error as Error).message}`)
    }
  }
  mkdirSync(root, { recursive: true })
  execFileSync('dpkg-deb', ['-x', join(debs, find()!), root])
  return path
}
