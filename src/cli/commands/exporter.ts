// `gops-native exporter`: this host's Go processes for Prometheus. Only registration lives here;
// the server (and prom-client) load when the command runs.
import type { Command } from 'commander'
import { DURATION_HELP } from '../duration'

// A lazy `require`, not `import()`, which would start Node's ESM loader (see processes.ts).
const exporterAction = () => require('../actions/exporter.js') as typeof import('../actions/exporter.js')

const DEFAULT_LISTEN = '127.0.0.1:9792'

export function registerExporter(program: Command): void {
  program
    .command('exporter')
    .description(
      "Serve this host's Go processes (and Node processes running our agent) as Prometheus metrics at /metrics, " +
        'in Prometheus text or OpenMetrics as the scraper asks; /healthz says whether scans work',
    )
    .option('--listen <address>', 'HOST:PORT, [IPv6]:PORT, :PORT (every interface) or PORT (loopback); port 0 picks a free one', DEFAULT_LISTEN)
    .option('--allow-remote', 'permit a non-loopback --listen address: anyone who can reach it sees every PID, name, path and Go version')
    .option('--interval <duration>', `when polling, rescan at most this often however often it is scraped (following process events, every scrape rescans what changed); agents are read at most this often, ${DURATION_HELP}`, '1s')
    .option('--mode <mode>', "how scans learn of processes: auto (the kernel's process events where permitted, else polling), events or polling", 'auto')
    .option('--max-processes <count>', 'serve at most this many processes (the lowest PIDs), so the page stays bounded; gops_scan_omitted_processes counts the rest', '10000')
    .option('--agent-stats', "also read each gops agent's goroutines, OS threads, heap and GC figures (gops_agent_*)")
    .option('--agent-timeout <duration>', `with --agent-stats: all agent reads of a refresh end within this, ${DURATION_HELP}`, '1s')
    .option('--vuln-db <db>', 'also check every Go process against this Go vulnerability database (as for `vulns --db`): gops_process_vulnerability and per-host counts')
    .option('--sbom', "also serve /sbom: this host's Go executables as a CycloneDX 1.6 document, remade at most once per --interval")
    .action((options: import('../actions/exporter.js').ExporterCliOptions) => exporterAction().runExporter(options))
}
