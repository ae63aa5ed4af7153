// Runs inside Windows Node (under Wine): uses the built package (dist/) with the Windows addon
// (NAPI_RS_NATIVE_LIBRARY_PATH) and writes what it saw as JSON for win32.spec.ts to check.
// Usage: node.exe windows-probe.cjs <out.json> <program.exe to run> <file to inspect>...
// Plain CommonJS: no TypeScript loader runs here. Output goes to a file: Wine hands Node a
// stdout pipe it cannot write to (EBADF).
const { spawn } = require('node:child_process')
const { writeFileSync } = require('node:fs')
const { join } = require('node:path')
const { Scanner, discover, inspectSync } = require(join(__dirname, '..', '..', 'dist', 'index.js'))

async function main() {
  const [out, program, ...files] = process.argv.slice(2)
  const inspected = files.map((file) => inspectSync(file))
  const child = spawn(program, ['600'], { stdio: 'ignore' })
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject))
  try {
    const findChild = (processes) => processes.find((p) => p.pid === child.pid) ?? null
    const scan = new Scanner().scanSync()
    const found = { sync: findChild(scan.processes), async: findChild(await discover()), scanned: scan.stats.scanned }
    writeFileSync(out, JSON.stringify({ platform: process.platform, arch: process.arch, childPid: child.pid, inspected, found }))
  } finally {
    child.kill()
  }
}

main().catch((error) => {
  writeFileSync(process.argv[2], JSON.stringify({ error: `${error.code ?? ''} ${error.stack}` }))
  process.exitCode = 1
})
