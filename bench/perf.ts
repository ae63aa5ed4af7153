// Every figure of bench/README.md's discovery and watch() tables from one run: discovery against gops
// (bench/discover.ts), then watch() latency and CPU (bench/watch.ts). Run: npm run build, then
// `npm run bench:perf`. The machine line says the commit and the load when the run began; each
// table says the load at its start and end.
import { benchDiscover } from './discover'
import { machine } from './machine'
import { benchWatch } from './watch'

async function main(): Promise<void> {
  console.log(machine())
  await benchDiscover()
  await benchWatch()
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
