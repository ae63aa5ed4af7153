// npm run test:runtimes: the public API in every runtime of the matrix (Node 20, 22 and 24, Bun,
// Deno), each fetched from the npm registry at a pinned version into .cache/runtimes. Kept out of
// npm test: it downloads the runtimes (about 200 MB once) and runs the suite once per runtime.
import { createRequire } from 'node:module'

const { ava } = createRequire(import.meta.url)('../../package.json')

export default { ...ava, files: ['__test__/runtimes/*.spec.ts'], timeout: '15m' }
