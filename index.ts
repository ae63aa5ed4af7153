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
export { VulnCollector, type VulnCollectorOptions } from './src/inventory/vuln-metrics'
export { ScannerCollector, type ScannerCollectorOptions, type CollectorStatus, type MetricsRegistry } from './src/exporter/collector'
export {
  vulns,
  VulnScanner,
  type VulnReport,
  type VulnFinding,
  type FindingLevel,
  type UnknownVersion,
  type VulnsOptions,
  type VulnScannerOptions,
} from './src/inventory/vulns'
export { VulnDb, type VulnDbKind, type VulnDbOptions, type OsvEntry } from './src/inventory/vulndb'
