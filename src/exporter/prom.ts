// prom-client's metric classes, loaded without its index. The index also loads the Pushgateway
// (https and TLS), the cluster aggregator and, for the exemplars of its default CPU counter,
// @opentelemetry/api: about 11 MB of an exporter's RSS (a third of what it adds to Node) and
// none of it used here. These are the files the index itself re-exports from prom-client's
// published `lib/`; package.json pins the version, and the exporter tests load them.
import type { Counter, Gauge, Histogram, OpenMetricsContentType, PrometheusContentType, Registry } from 'prom-client'

/** A prom-client registry of either exposition format. */
export type MetricsRegistry = Registry<PrometheusContentType> | Registry<OpenMetricsContentType>

export interface PromClient {
  Registry: typeof Registry
  Gauge: typeof Gauge
  Counter: typeof Counter
  Histogram: typeof Histogram
}

let loaded: PromClient | null = null

/** The classes, loaded on first use (importing gops-native does not pay for them). */
export function promClient(): PromClient {
  return (loaded ??= {
    Registry: require('prom-client/lib/registry'),
    Gauge: require('prom-client/lib/gauge'),
    Counter: require('prom-client/lib/counter'),
    Histogram: require('prom-client/lib/histogram'),
  })
}
