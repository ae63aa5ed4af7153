// gops-native's public API.
export { GopsError, isGopsError } from './src/errors'
export { Command, type CommandName, type CommandByte } from './src/protocol/constants'
export { gopsConfigDir, portFilePath } from './src/protocol/portfile'
export { agent, type AgentHandle, type AgentOptions } from './src/agent/index'
