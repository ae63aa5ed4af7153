// npm run test:platforms: the addons of npm run build:platforms, checked and run where this
// machine can run them, and the packed package installed as a user would. Kept out of npm test:
// it needs the foreign toolchains, emulators and npm downloads that setup:platforms installs.
import { createRequire } from 'node:module'

const { ava } = createRequire(import.meta.url)('../../package.json')

export default { ...ava, files: ['__test__/platforms/*.spec.ts'], timeout: '15m' }
