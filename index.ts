// gops-native's public API.
export { GopsError, isGopsError } from './src/errors'
export { Command, type CommandName, type CommandByte } from './src/protocol/constants'
export { gopsConfigDir, portFilePath } from './src/protocol/portfile'
export {
  Scanner,
  discover,
  discoverSync,
  watch,
  type BuildInfo,
  type GoProcess,
  type ScanResult,
  type ScanStats,
  type ScannerOptions,
  type WatchEvent,
  type WatchOptions,
} from './src/discover'
