// Removes the port file when the process ends, without changing how it ends.
//
// Signal handlers cannot do this: a JS handler for SIGTERM runs on the main thread, so a main
// thread stuck in a loop (the very case this agent is for) would never run it, and the process
// would ignore SIGTERM instead of dying. So no signal is caught. A normal exit removes the file
// from the 'exit' hook; any other death (SIGTERM, SIGINT, even SIGKILL or a crash) is noticed by
// a tiny detached `sh` holding the read end of a pipe from this process: when the process is
// gone the pipe closes and the watcher removes the file.
import { spawn } from 'node:child_process'
import { removePortFile } from './portfile-writer'

/** Arranges for `path` to be removed when the process ends; returns the function that disarms it. */
export function removeWhenProcessEnds(path: string): () => void {
  const remove = (): void => removePortFile(path)
  process.on('exit', remove)
  const watcher = startWatcher(path)
  return () => {
    process.off('exit', remove)
    watcher?.kill()
  }
}

function startWatcher(path: string) {
  // No POSIX shell on Windows (nor in distroless images, where spawn fails): the 'exit' hook remains.
  if (process.platform === 'win32') return null
  try {
    // Detached: its own process group, so a Ctrl-C meant for this program does not reach it.
    const watcher = spawn('/bin/sh', ['-c', 'read -r _; rm -f -- "$0"', path], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] })
    watcher.on('error', () => {})
    watcher.stdin!.on('error', () => {})
    watcher.unref()
    ;(watcher.stdin as unknown as { unref(): void }).unref()
    return watcher
  } catch {
    // The permission model denies child processes: the 'exit' hook remains.
    return null
  }
}
