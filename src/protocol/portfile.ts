// Where gops agents publish their port: one file per PID holding the decimal port.
import { homedir } from 'node:os'
import { join } from 'node:path'

/** gops's rules: $GOPS_CONFIG_DIR, else the OS user config dir + /gops, else $HOME/.config/gops. */
export function gopsConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOPS_CONFIG_DIR) return env.GOPS_CONFIG_DIR
  const home = env.HOME || homedir()
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'gops')
    case 'win32':
      return env.AppData ? join(env.AppData, 'gops') : join(home, '.config', 'gops')
    default:
      return env.XDG_CONFIG_HOME ? join(env.XDG_CONFIG_HOME, 'gops') : join(home, '.config', 'gops')
  }
}

export function portFilePath(pid: number, configDir: string = gopsConfigDir()): string {
  return join(configDir, String(pid))
}

/** Port file contents are the decimal port; readers trim whitespace. Returns null for anything else. */
export function parsePort(text: string): number | null {
  const trimmed = text.trim()
  if (!/^\d{1,5}$/.test(trimmed)) return null
  const port = Number(trimmed)
  return port > 0 && port < 65536 ? port : null
}
