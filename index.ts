// gops-native's public API.
export { GopsError, isGopsError, ERROR_CODES, type GopsErrorCode, type InspectErrorCode, type ProcessErrorCode, type TaskErrorCode } from './src/errors'
export type { AbortOptions } from './src/abort'
export { Command, COMMANDS, type CommandName, type CommandByte, type GopsCommand } from './src/protocol/commands'
export { gopsConfigDir, portFilePath, readPortFile, type PortFile } from './src/protocol/portfile'
/**
 * The gops protocol client: one function per gops command, against Go's agent and
 * gops-native's Node agent, by PID (through its port file) or `host:port`. Every call takes
 * {@link ClientOptions}: `timeoutMs`, `signal` (an AbortSignal), `configDir`.
 *
 * @example
 * ```ts
 * import { client } from 'gops-native'
 *
 * const stats = await client.stats(4242)
 * if (stats.runtime === 'go') console.log(stats.goroutines)
 * ```
 */
export * as client from './src/client/commands'
export type { ClientOptions, MemStats, RuntimeStats, SetGCResult, AgentAddress, Target } from './src/client/commands'
export type { NodeReply, VersionInfo } from './src/client/commands'
export { resolveTarget, type ResolveOptions } from './src/client/target'
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
  type InspectOptions,
  type InspectResult,
  type SliceInfo,
} from './src/inspect'
export {
  Scanner,
  discover,
  discoverSync,
  type ProcessBuildInfo,
  type ProcessContainer,
  type ProcessModule,
  type ProcessRuntime,
  type GoProcess,
  type ScanResult,
  type ScanStats,
  type ScannerOptions,
  type ScanOptions,
  type DiscoverOptions,
  type WatchMode,
} from './src/discover'
export { watch, type Watch, type WatchEvent, type WatchOptions } from './src/watch'
export { processDetails, processDetailsSync, type ProcessDetails, type ProcessDetailsOptions, type Connection, type SocketEndpoint, type SocketProtocol } from './src/process-details'
export { agent, type AgentHandle, type AgentOptions } from './src/agent/index'
export { VulnCollector, type VulnCollectorOptions } from './src/inventory/vuln-metrics'
export { ScannerCollector, type ScannerCollectorOptions, type CollectorStatus } from './src/exporter/collector'
export type { MetricsRegistry } from './src/exporter/prom'
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
export { VulnDb, type VulnDbKind, type VulnDbOptions, type OsvEntry, type OsvAffected, type OsvImport } from './src/inventory/vulndb'
export type { OsvRange, OsvEvent } from './src/inventory/osv-version'
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
