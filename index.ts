// gops-native's public API.
export { GopsError, isGopsError, ERROR_CODES, type GopsErrorCode } from './src/errors'
export { Command, type CommandName, type CommandByte } from './src/protocol/constants'
export { gopsConfigDir, portFilePath, readPortFile, type PortFile } from './src/protocol/portfile'
export * as client from './src/client/commands'
export type { ClientOptions, MemStats, RuntimeStats, SetGCResult, AgentAddress, Target } from './src/client/commands'
export type { NodeReply, VersionInfo } from './src/client/commands'
export { resolveTarget } from './src/client/target'
export {
  inspect,
  inspectSync,
  inspectMany,
  type BinaryFormat,
  type BuildInfo,
  type Evidence,
  type InspectReason,
  type InspectReasonCode,
  type GoBinaryInfo,
  type GoModule,
  type GoModuleReplacement,
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
  type Watch,
  type WatchEvent,
  type WatchMode,
  type WatchOptions,
} from './src/discover'
export { processDetails, processDetailsSync, type ProcessDetails, type Connection, type SocketEndpoint } from './src/process-details'
export { agent, type AgentHandle, type AgentOptions } from './src/agent/index'
export { ScannerCollector, type ScannerCollectorOptions, type CollectorStatus, type MetricsRegistry } from './src/exporter/collector'
export {
  sbom,
  type SbomExecutable,
  type SbomFormat,
  type SbomOptions,
  type SbomProcess,
  type SbomResult,
  type Target as SbomTarget,
  type TargetFailure as SbomTargetFailure,
} from './src/inventory/sbom'
