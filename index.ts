// gops-native's public API.
export { GopsError, isGopsError } from './src/errors'
export { Command, type CommandName, type CommandByte } from './src/protocol/constants'
export { gopsConfigDir, portFilePath } from './src/protocol/portfile'
export {
  inspect,
  inspectSync,
  inspectMany,
  type BinaryFormat,
  type BuildInfo,
  type Evidence,
  type GoBinaryInfo,
  type GoModule,
  type InspectManyOptions,
  type InspectResult,
  type SliceInfo,
} from './src/inspect'
export {
  Scanner,
  discover,
  discoverSync,
  watch,
  type ProcessBuildInfo,
  type GoProcess,
  type ScanResult,
  type ScanStats,
  type ScannerOptions,
  type WatchEvent,
  type WatchOptions,
} from './src/discover'
