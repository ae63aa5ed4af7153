// npm run build:ts, after tsc: bundles the CLI's entry and the two paths it runs without commander
// (the plain list, a plain `inspect FILE...`) into one file, dist/src/cli/entry.bundle.js, which
// bin/gops-native.js runs. Node 20's module loader costs 0.5-1 ms per module (resolving, reading,
// wrapping), and those paths load about a dozen of ours: bundled, `inspect` of one binary took
// 6.5 ms beyond `node -e 0` instead of 14.0, the list 6.8 instead of 10.2 (bench/README.md).
// Everything else (main.ts: commander and every other command) is loaded from dist as before,
// and so are the packages; the addon is loaded by the path native.ts builds.
import { build } from 'esbuild'
import { join } from 'node:path'
import { packageRoot } from '../src/package-root'

const cli = join(packageRoot, 'dist', 'src', 'cli')

build({
  entryPoints: [join(cli, 'entry.js')],
  outfile: join(cli, 'entry.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  external: ['./main.js'],
  logLevel: 'warning',
}).catch(() => {
  process.exitCode = 1
})
