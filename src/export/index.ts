// Public face of the Prometheus export, for the library API (src/index.ts) and `tcpscope serve`.
export { createMetrics, listenerLabel, MAX_LISTENER_SERIES, type Metrics, type MetricsOptions } from './metrics.js';
export { nstatMetricStem } from './nstat-names.js';
export { writeTextfile, TEXTFILE_NAME } from './textfile.js';
export { parseListenAddress, DEFAULT_METRICS_ADDRESS, type ListenAddress } from './listen-address.js';
export { startExporter, type Exporter, type ExporterOptions } from './exporter.js';
