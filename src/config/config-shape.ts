import type { RateLimit } from '../domain/rate-limit';
import type { GateSettings } from '../domain/gate';

/** The values LOG_LEVEL and LOG_FORMAT take. */
export const logLevels = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export const logFormats = ['text', 'json'] as const;
export type LogLevel = (typeof logLevels)[number];
export type LogFormat = (typeof logFormats)[number];

/* What loadConfig (./config.ts) gives every part of the service: the settings, parsed and checked once. */

/** An HTTP listener's deadlines (ms) and the most connections it holds at once. */
export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

export interface Config {
  http: {
    port: number;
    host: string;
    /** Requests per API token (and for the admin token), in each API process; null: no limit. */
    rateLimit: RateLimit | null;
    /** Failed token lookups per client address, in each API process; past it a 429 instead of a lookup. null: no limit. */
    authFailureLimit: RateLimit | null;
    /** The listeners' deadlines and connection cap (src/app/server-limits.ts). */
    limits: ServerLimits;
    /**
     * Where the admin routes, /metrics and /docs are served on a listener of their own (ADMIN_PORT, ADMIN_HOST);
     * null: on PORT with the rest.
     */
    admin: { port: number; host: string } | null;
  };
  dataDir: string;
  database: { url?: string; embeddedPort: number };
  adminToken?: string;
  /**
   * Master keys sealing the signing keys at rest: `key` seals and opens, `previousKey` only opens (rotation). Each
   * from its variable or from the file its `_FILE` variable names, never both.
   */
  encryption: { key?: Buffer; previousKey?: Buffer };
  temporal: {
    address?: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls?: { certPath: string; keyPath: string };
    cliPath?: string;
    devServerPort: number;
    uiPort: number;
    /** Port (on 127.0.0.1) of the SDK's Prometheus exporter; a free one when unset. /metrics includes what it serves. */
    metricsPort?: number;
  };
  delivery: {
    allowPrivateTargets: boolean;
    /** The ports receivers' URLs may name, at subscribe and when the sender connects (ALLOWED_PORTS); null: any. */
    allowedPorts: number[] | null;
    timeoutMs: number;
    windowMs: number;
    initialIntervalMs: number;
    maximumIntervalMs: number;
    backoffCoefficient: number;
    /** How a new notification's first attempt runs (fixed per notification, like its policy). */
    firstAttempt: 'local' | 'activity';
    /**
     * An ordered notification waiting for its turn looks at the database after this long without a `turn` signal,
     * then twice as long each time up to 15 min (fixed per notification, in its workflow's input).
     */
    orderingRecheckMs: number;
    responseBodyLimitBytes: number;
    /** The delivery gate: default limits of a subscription, the breaker, the pace of a release (src/domain/gate.ts). */
    gate: GateSettings;
    /** Certificate authorities trusted for receivers besides the system's: NODE_EXTRA_CA_CERTS. */
    extraCaFiles: string[];
    /** Trusted only for environments that allow private targets: `npm start`'s name-constrained development CA (set by main.ts). */
    privateTargetCaFiles?: string[];
  };
  /**
   * How receivers' host names are resolved, at subscribe and for each delivery (src/lib/dns-resolver.ts): one
   * deadline per lookup, answers kept up to `cacheTtlMs` (0: not kept), the system's name servers unless `servers`.
   */
  dns: { timeoutMs: number; cacheTtlMs: number; servers: string[] };
  outboxRelayIntervalMs: number;
  /** A recovery redelivers `pageSize` notifications at a time and continues as new after `pagesPerRun` pages. */
  recovery: { pageSize: number; pagesPerRun: number };
  /**
   * How long a finished notification, its attempts and its event are kept after the event's last notification ended
   * (pending ones are never purged), how long attempts keep their response bodies, and how often the purge's Temporal
   * Schedule runs (0: no schedule).
   */
  retention: { retentionMs: number; responseBodyRetentionMs: number; purgeIntervalMs: number };
  /** Live subscriptions one environment may hold: a publish fans out to every one of them. */
  maxSubscriptionsPerEnvironment: number;
  /** Release signals a second that a resume sends to its held notifications' workflows, in batches. */
  releaseSignalRate: number;
  /** Held notification IDs a resume reads per page: no variable sets it (500); a test sets a small one. */
  releasePageSize?: number;
  /**
   * Workflow starts that may wait in a process's queue before further notifications are left to the outbox relay: no
   * variable sets it (5,000); a test sets a small one.
   */
  maxQueuedStarts?: number;
  worker: {
    /** HTTP port of a worker role started alone: /health/live, /health/ready and /metrics. */
    port: number;
    maxConcurrentActivities: number;
    /** A subscription with no 2xx for this long while its attempts fail is disabled; 0: never. */
    autoDisableAfterMs: number;
    /** The fraction of this worker's slots one environment's attempts in flight may hold; 1: no cap. */
    environmentShare: number;
  };
  /** `traceIds`: every line logged inside a traced request or attempt carries its traceId and spanId (tracing on). */
  log: { level: LogLevel; format: LogFormat; traceIds?: boolean };
  /**
   * OpenTelemetry tracing (src/observability/tracing.ts): on when an OTLP endpoint or OTEL_TRACES_EXPORTER is set.
   * `urlTemplate` (TRACE_URL_TEMPLATE) turns a stored traceId into a link, tracing on or off in this process.
   */
  tracing: { enabled: boolean; exporter: 'otlp' | 'console'; serviceName: string; urlTemplate: string | null };
  /**
   * The integrator portal (src/portal): `publicUrl` (PUBLIC_URL), the API's external base URL that links are made of
   * and whose scheme says whether cookies are Secure, null to use each request's own; `frameAncestors`
   * (PORTAL_FRAME_ANCESTORS), the CSP's frame-ancestors sources, "'none'" by default.
   */
  portal: { publicUrl: string | null; frameAncestors: string };
  /** What the configuration accepted but each process logs as a warning once its logger is up (a key file others may read). */
  warnings: string[];
}
