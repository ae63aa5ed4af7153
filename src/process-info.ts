// What `gops <pid>` shows about one process, read from Linux's /proc the way gops's library
// (gopsutil) reads it: parent, threads, memory and CPU use, owner, command line, age, sockets.
import { readFile, readdir, readlink } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { GopsError } from './errors'

/** /proc reports times in USER_HZ ticks: 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100

export interface SocketAddress {
  address: string
  port: number
}

export interface Connection {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'unix'
  local: SocketAddress
  remote: SocketAddress
  /** TCP state (`LISTEN`, `ESTABLISHED`, ...); `NONE` for UDP and Unix sockets. */
  state: string
}

export interface ProcessInfo {
  pid: number
  /** null for PID 1 and kernel-spawned processes, as gops omits it then. */
  ppid: number | null
  threads: number
  /** Resident memory as a percentage of the machine's RAM. */
  memoryPercent: number
  /** CPU time over the process's whole life, as a percentage of one core. */
  cpuPercent: number
  /** CPU use sampled over `periodMs`, when one was given. */
  cpuPercentOverPeriod?: number
  /** null when the UID has no name. */
  username: string | null
  args: string[]
  startedAt: Date
  connections: Connection[]
}

interface Stat {
  ppid: number
  startTicks: number
  /** utime + stime + delayacct_blkio_ticks, in seconds, as gopsutil's Times().Total(). */
  cpuSeconds: number
}

/**
 * Reads gops's process view of `pid`. With `periodMs`, also samples CPU use over that long.
 * Throws GopsError PROCESS_NOT_FOUND when there is no such process.
 */
export async function processInfo(pid: number, options: { periodMs?: number } = {}): Promise<ProcessInfo> {
  if (process.platform !== 'linux') {
    throw new GopsError('UNSUPPORTED_PLATFORM', `process details are read from /proc, which ${process.platform} does not have`)
  }
  if (!Number.isInteger(pid) || pid <= 0) throw new GopsError('INVALID_ARGUMENT', `not a process ID: ${pid}`)
  const first = await readStat(pid)
  const sampleStart = Date.now()
  const [status, meminfo, bootSeconds, args, connections] = await Promise.all([
    readProc(pid, 'status'),
    readFile('/proc/meminfo', 'utf8'),
    bootTime(),
    readProc(pid, 'cmdline').then((text) => text.split('\0').filter((arg) => arg !== '')),
    connectionsOf(pid),
  ])
  const field = (name: string) => status.match(new RegExp(`^${name}:\\s*(.*)$`, 'm'))?.[1] ?? ''
  const startedMs = (bootSeconds + first.startTicks / TICKS_PER_SECOND) * 1000
  const rssBytes = Number.parseInt(field('VmRSS'), 10) * 1024 || 0
  const totalBytes = Number.parseInt(meminfo.match(/^MemTotal:\s*(\d+)/m)?.[1] ?? '0', 10) * 1024
  const lifeSeconds = (Date.now() - startedMs) / 1000
  const info: ProcessInfo = {
    pid,
    ppid: first.ppid > 0 ? first.ppid : null,
    threads: Number.parseInt(field('Threads'), 10),
    memoryPercent: memoryPercent(rssBytes, totalBytes),
    cpuPercent: lifeSeconds > 0 ? (100 * first.cpuSeconds) / lifeSeconds : 0,
    username: await userName(Number.parseInt(field('Uid'), 10)),
    args,
    startedAt: new Date(startedMs),
    connections,
  }
  if (options.periodMs !== undefined && options.periodMs > 0) {
    await sleep(Math.max(0, options.periodMs - (Date.now() - sampleStart)))
    const second = await readStat(pid).catch((error: GopsError) => {
      if (error.code !== 'PROCESS_NOT_FOUND') throw error
      throw new GopsError('PROCESS_NOT_FOUND', `process ${pid} exited while its CPU use was being sampled`, { cause: error })
    })
    info.cpuPercentOverPeriod = (100 * (second.cpuSeconds - first.cpuSeconds)) / (options.periodMs / 1000)
  }
  return info
}

/** gopsutil computes this in float32; so do we, so the printed digits match gops's. */
function memoryPercent(rssBytes: number, totalBytes: number): number {
  if (totalBytes <= 0) return 0
  const f = Math.fround
  return f(f(100 * f(rssBytes)) / f(totalBytes))
}

async function readProc(pid: number, file: string): Promise<string> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ESRCH') throw new GopsError('PROCESS_NOT_FOUND', `no process with PID ${pid}`)
    if (code === 'EACCES' || code === 'EPERM') throw new GopsError('PERMISSION_DENIED', `not permitted to read process ${pid}`)
    throw error
  }
}

async function readStat(pid: number): Promise<Stat> {
  const text = await readProc(pid, 'stat')
  // The name in parentheses may hold anything: fields resume after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const at = (n: number) => Number(fields[n - 3]) // proc(5) numbers fields from 1; ours start at 3
  return {
    ppid: at(4),
    startTicks: at(22),
    cpuSeconds: (at(14) + at(15) + (at(42) || 0)) / TICKS_PER_SECOND,
  }
}

async function bootTime(): Promise<number> {
  const stat = await readFile('/proc/stat', 'utf8')
  return Number(stat.match(/^btime (\d+)/m)?.[1] ?? 0)
}

async function userName(uid: number): Promise<string | null> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '')
  for (const line of passwd.split('\n')) {
    const [name, , id] = line.split(':')
    if (name && Number(id) === uid) return name
  }
  return null
}

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
}

/** The process's sockets, in gops's order: tcp, tcp6, udp, udp6, unix; duplicates dropped. */
async function connectionsOf(pid: number): Promise<Connection[]> {
  const inodes = await socketInodes(pid)
  if (inodes.size === 0) return []
  const protocols = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'] as const
  const tables = await Promise.all(protocols.map((p) => readFile(`/proc/${pid}/net/${p}`, 'utf8').catch(() => '')))
  const seen = new Set<string>()
  const connections: Connection[] = []
  protocols.forEach((protocol, i) => {
    for (const line of tables[i].split('\n').slice(1)) {
      const connection = protocol === 'unix' ? parseUnixLine(line, inodes) : parseInetLine(protocol, line, inodes)
      if (!connection) continue
      const key = `${protocol}-${connection.local.address}:${connection.local.port}-${connection.remote.address}:${connection.remote.port}-${connection.state}`
      if (seen.has(key)) continue
      seen.add(key)
      connections.push(connection)
    }
  })
  return connections
}

async function socketInodes(pid: number): Promise<Set<string>> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [])
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')))
  return new Set(links.filter((l) => l.startsWith('socket:[')).map((l) => l.slice(8, -1)))
}

function parseInetLine(protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6', line: string, inodes: Set<string>): Connection | null {
  const f = line.trim().split(/\s+/)
  if (f.length < 10 || !inodes.has(f[9])) return null
  const local = decodeAddress(f[1])
  const remote = decodeAddress(f[2])
  if (!local || !remote) return null
  const state = protocol.startsWith('tcp') ? (TCP_STATES[f[3]] ?? '') : 'NONE'
  return { protocol, local, remote, state }
}

function parseUnixLine(line: string, inodes: Set<string>): Connection | null {
  const f = line.trim().split(/\s+/)
  if (f.length < 7 || !inodes.has(f[6])) return null
  const path = f.length === 8 ? f[7] : ''
  return { protocol: 'unix', local: { address: path, port: 0 }, remote: { address: '', port: 0 }, state: 'NONE' }
}

/** `0100007F:1F90` (host-order hex words) to 127.0.0.1 port 8080; IPv6 as Go prints it. */
export function decodeAddress(text: string): SocketAddress | null {
  const [hex, portHex] = text.split(':')
  if (!hex || !portHex || !/^[0-9A-Fa-f]+$/.test(hex + portHex) || (hex.length !== 8 && hex.length !== 32)) return null
  const bytes: number[] = []
  // Each 32-bit word is in the kernel's (little-endian) byte order.
  for (let w = 0; w < hex.length; w += 8) {
    for (let b = 6; b >= 0; b -= 2) bytes.push(Number.parseInt(hex.slice(w + b, w + b + 2), 16))
  }
  return { address: formatIp(bytes), port: Number.parseInt(portHex, 16) }
}

function formatIp(bytes: number[]): string {
  const v4Mapped = bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
  if (bytes.length === 4 || v4Mapped) return bytes.slice(-4).join('.')
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1])
  // The longest run of two or more zero groups becomes "::" (the first, on a tie).
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  const hexes = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hexes.join(':')
  return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLength).join(':')}`
}
