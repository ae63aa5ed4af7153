// `gops-native exporter`: this host's Go processes for Prometheus. Only registration lives here;
// the server (and prom-client) load when the command runs.
import type { Command } from 'commander'

// A lazy `require`, not `import()`, which would start Node's ESM loader (see processes.ts).
const exporterRun = () => require('../exporter-run.js') as typeof import('../exporter-run.js')

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
    .option('--interval <duration>', 'rescan at most this often however often it is scraped: a Go duration (500ms, 15s) or seconds', '1s')
    .option('--agent-stats', "also read each gops agent's goroutines, OS threads, heap and GC figures (gops_agent_*)")
    .option('--agent-timeout <duration>', 'with --agent-stats: all agent reads of a refresh end within this', '1s')
    .option('--sbom', "also serve /sbom: this host's Go executables as a CycloneDX 1.6 document, remade at most once per --interval")
    .action((options: import('../exporter-run.js').ExporterCliOptions) => exporterRun().runExporter(options))
}
