// The project's ava settings for a run inside arm64 Node under qemu-user: no binfmt_misc here,
// so that Node cannot start another arm64 process, and the test files run in worker threads.
import { createRequire } from 'node:module'

const { ava } = createRequire(import.meta.url)('../../package.json')

export default { ...ava, workerThreads: true }
