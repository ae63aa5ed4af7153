// gops's config directory, where agents publish their port files. Its own module: discovery
// needs only this, not the port-file reading (and its fs/promises) beside it in portfile.ts.
import { homedir } from 'node:os'
import { join } from 'node:path'
import * as check from '../arguments'

/**
 * gops's rules: $GOPS_CONFIG_DIR, else the OS user config dir + /gops, else $HOME/.config/gops.
 * The agent writes here, the client and discovery look here; discovery's Rust reads another
 * process's environment with the same rules (crates/gops-core/src/portfile.rs).
 */
export function gopsConfigDir(environment?: NodeJS.ProcessEnv): string {
  const env = environment === undefined ? process.env : check.object(environment, 'env')
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
