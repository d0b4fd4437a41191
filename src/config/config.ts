import { z } from 'zod';
import { type Config, logFormats, logLevels } from './config-shape';
import type { DeliveryPolicy } from '../domain/retry-schedule';
import { defaultDataDir } from '../lib/data-files';
import {
  duration,
  durationOrOff,
  rateLimit,
  dnsServers,
  allowedPorts,
  bool,
  port,
  optional,
  masterKey,
  masterKeyFile,
  optionalDuration,
  publicUrl,
  frameAncestors,
} from './fields';

export type { Config, ServerLimits } from './config-shape';

/** The largest duration a notification's policy stores (PostgreSQL integer milliseconds). */
const maxStoredMs = 2_147_483_647;

const variables = z.object({
  PORT: port(3000),
  HOST: z.string().default('127.0.0.1'),
  ADMIN_PORT: optional.pipe(z.coerce.number<string | undefined>({ error: 'must be a port number (0-65535)' }).int().min(0).max(65535).optional()),
  ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_HEADERS_TIMEOUT: duration('20s'),
  HTTP_REQUEST_TIMEOUT: duration('60s'),
  HTTP_KEEP_ALIVE_TIMEOUT: duration('5s'),
  HTTP_MAX_CONNECTIONS: z.coerce.number({ error: 'must be a whole number of connections' }).int().min(1).max(1_000_000).default(1000),
  DATA_DIR: z.string().default(defaultDataDir),
  DATABASE_URL: optional.pipe(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional()),
  EMBEDDED_POSTGRES_PORT: port(54329),
  ADMIN_TOKEN: optional.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  ENCRYPTION_KEY: masterKey,
  ENCRYPTION_KEY_FILE: masterKeyFile('ENCRYPTION_KEY_FILE'),
  ENCRYPTION_KEY_PREVIOUS: masterKey,
  ENCRYPTION_KEY_PREVIOUS_FILE: masterKeyFile('ENCRYPTION_KEY_PREVIOUS_FILE'),
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('plude-webhooks'),
  TEMPORAL_API_KEY: optional,
  TEMPORAL_TLS_CERT: optional,
  TEMPORAL_TLS_KEY: optional,
  TEMPORAL_CLI_PATH: optional,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_METRICS_PORT: optional.pipe(z.coerce.number<string | undefined>({ error: 'must be a port number (1-65535)' }).int().min(1).max(65535).optional()),
  WORKER_PORT: port(3001),
  RATE_LIMIT: rateLimit('100/s'),
  AUTH_FAILURE_LIMIT: rateLimit('10/s'),
  ALLOW_PRIVATE_TARGETS: bool(false),
  ALLOWED_PORTS: allowedPorts,
  DELIVERY_TIMEOUT: duration('10s'),
  DNS_TIMEOUT: optionalDuration('500ms, 2s or 5s'),
  DNS_CACHE_TTL: durationOrOff('30s'),
  DNS_SERVERS: dnsServers,
  DELIVERY_WINDOW: duration('72h'),
  RETRY_INITIAL_INTERVAL: duration('5s'),
  RETRY_MAX_INTERVAL: duration('1h'),
  DELIVERY_FIRST_ATTEMPT: z.enum(['local', 'activity']).default('local'),
  ORDERING_RECHECK_INTERVAL: duration('1m'),
  RESPONSE_BODY_LIMIT: z.coerce.number().int().min(0).max(1_048_576).default(4096),
  RETENTION: duration('30d'),
  RESPONSE_BODY_RETENTION: optionalDuration('7d, 72h or 30m'),
  PURGE_INTERVAL: durationOrOff('1h'),
  DISPATCH_RECOVERY_INTERVAL: duration('30s'),
  AUTO_DISABLE_AFTER: durationOrOff('5d'),
  DELIVERY_RATE_LIMIT: z.coerce.number({ error: 'must be deliveries a second (0: no limit)' }).min(0).max(100_000).default(0),
  DELIVERY_MAX_IN_FLIGHT: z.coerce.number({ error: 'must be a whole number (0: no cap)' }).int().min(0).max(100_000).default(0),
  BREAKER_FAILURE_THRESHOLD: z.coerce.number({ error: 'must be a whole number (0: only Retry-After opens the breaker)' }).int().min(0).default(10),
  BREAKER_OPEN_FOR: duration('5s'),
  BREAKER_MAX_OPEN: duration('5m'),
  RELEASE_RATE: z.coerce.number({ error: 'must be deliveries a second' }).positive().max(100_000).default(50),
  RELEASE_SIGNAL_RATE: z.coerce.number({ error: 'must be signals a second' }).positive().max(100_000).default(200),
  RECOVERY_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(200),
  MAX_SUBSCRIPTIONS_PER_ENVIRONMENT: z.coerce.number({ error: 'must be a whole number of subscriptions' }).int().min(1).max(1_000_000).default(1_000),
  RECOVERY_PAGES_PER_RUN: z.coerce.number().int().min(1).max(1_000).default(50),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(200),
  ENVIRONMENT_MAX_IN_FLIGHT_SHARE: z.coerce
    .number({ error: 'must be a fraction of the worker’s slots, more than 0 and at most 1 (1: no cap)' })
    .gt(0, { error: 'must be more than 0 (1: no cap)' })
    .max(1, { error: 'must be at most 1 (1: no cap)' })
    .default(0.5),
  NODE_EXTRA_CA_CERTS: optional,
  LOG_LEVEL: z.enum(logLevels).default('log'),
  LOG_FORMAT: z.enum(logFormats).default('text'),
  // Tracing (src/observability/tracing.ts): off unless an OTLP endpoint or OTEL_TRACES_EXPORTER says where spans go.
  // The SDK itself reads the other standard OTEL_* variables (headers, timeout, resource attributes, batching).
  OTEL_EXPORTER_OTLP_ENDPOINT: optional.pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (the OTLP/HTTP collector)' }).optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (ending in /v1/traces)' }).optional(),
  ),
  OTEL_TRACES_EXPORTER: optional.pipe(z.enum(['otlp', 'console', 'none'], { error: 'must be otlp, console or none' }).optional()),
  OTEL_SERVICE_NAME: z.string().min(1).default('plude-webhooks'),
  OTEL_TRACES_SAMPLER: optional.pipe(
    z
      .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'], {
        error: 'must be always_on, always_off, traceidratio or parentbased_ one of them',
      })
      .optional(),
  ),
  OTEL_TRACES_SAMPLER_ARG: optional.pipe(z.coerce.number<string | undefined>({ error: 'must be a ratio from 0 to 1' }).min(0).max(1).optional()),
  PUBLIC_URL: publicUrl,
  PORTAL_FRAME_ANCESTORS: frameAncestors,
  TRACE_URL_TEMPLATE: optional.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .refine((url) => url.includes('{traceId}'), { error: 'must contain {traceId}, e.g. http://localhost:16686/trace/{traceId}' })
      .optional(),
  ),
});

/** Every environment variable the configuration reads (README's table and .env.example list them all). */
export const configVariableNames = Object.keys(variables.shape);

const schema = variables.superRefine((env, ctx) => {
  // Node's server refuses a header deadline past the request's, and a keep-alive past the header deadline would let an
  // idle connection outlive the check that cuts slow headers.
  if (env.HTTP_HEADERS_TIMEOUT > env.HTTP_REQUEST_TIMEOUT) {
    ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT'], message: 'must not exceed HTTP_REQUEST_TIMEOUT' });
  }
  if (env.HTTP_KEEP_ALIVE_TIMEOUT >= env.HTTP_HEADERS_TIMEOUT) {
    ctx.addIssue({ code: 'custom', path: ['HTTP_KEEP_ALIVE_TIMEOUT'], message: 'must be shorter than HTTP_HEADERS_TIMEOUT' });
  }
  if (env.ADMIN_PORT !== undefined && env.ADMIN_PORT !== 0 && env.ADMIN_PORT === env.PORT) {
    ctx.addIssue({ code: 'custom', path: ['ADMIN_PORT'], message: 'must differ from PORT (unset it to serve everything on PORT)' });
  }
  for (const [value, file] of [
    ['ENCRYPTION_KEY', 'ENCRYPTION_KEY_FILE'],
    ['ENCRYPTION_KEY_PREVIOUS', 'ENCRYPTION_KEY_PREVIOUS_FILE'],
  ] as const) {
    if (env[value] !== undefined && env[file] !== undefined) ctx.addIssue({ code: 'custom', path: [file], message: `set ${value} or ${file}, not both` });
  }
  if (Boolean(env.TEMPORAL_TLS_CERT) !== Boolean(env.TEMPORAL_TLS_KEY)) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS_CERT'], message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together' });
  }
  if (env.RETRY_INITIAL_INTERVAL > env.RETRY_MAX_INTERVAL) {
    ctx.addIssue({ code: 'custom', path: ['RETRY_INITIAL_INTERVAL'], message: 'must not exceed RETRY_MAX_INTERVAL' });
  }
  // Stored with every notification as integer milliseconds.
  for (const name of ['RETRY_MAX_INTERVAL', 'DELIVERY_TIMEOUT'] as const) {
    if (env[name] > maxStoredMs) ctx.addIssue({ code: 'custom', path: [name], message: 'must be at most 24 days' });
  }
  if (env.RESPONSE_BODY_RETENTION !== undefined && env.RESPONSE_BODY_RETENTION > env.RETENTION) {
    ctx.addIssue({ code: 'custom', path: ['RESPONSE_BODY_RETENTION'], message: 'must not exceed RETENTION (the attempts go with their notification)' });
  }
  if (env.BREAKER_OPEN_FOR > env.BREAKER_MAX_OPEN) {
    ctx.addIssue({ code: 'custom', path: ['BREAKER_OPEN_FOR'], message: 'must not exceed BREAKER_MAX_OPEN' });
  }
  if (env.DELIVERY_TIMEOUT >= env.DELIVERY_WINDOW) {
    ctx.addIssue({ code: 'custom', path: ['DELIVERY_TIMEOUT'], message: 'must be shorter than DELIVERY_WINDOW' });
  }
  // A lookup that times out is recorded as "dns timeout", within the attempt it belongs to.
  if (env.DNS_TIMEOUT !== undefined && env.DNS_TIMEOUT >= env.DELIVERY_TIMEOUT) {
    ctx.addIssue({ code: 'custom', path: ['DNS_TIMEOUT'], message: 'must be shorter than DELIVERY_TIMEOUT' });
  }
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** DNS_TIMEOUT's default: 5 s, or half the attempt's timeout when that is shorter than 10 s. */
const dnsTimeoutFor = (deliveryTimeoutMs: number): number => Math.min(5_000, Math.max(1, Math.floor(deliveryTimeoutMs / 2)));

/**
 * Tracing is on when OTEL_TRACES_EXPORTER names an exporter, or, unset, when an OTLP endpoint is set; `none` turns it
 * off whatever else is set. Off: no SDK, no exporter, no interceptor (src/observability/tracing.ts).
 */
const tracingOn = (env: { OTEL_TRACES_EXPORTER?: string; OTEL_EXPORTER_OTLP_ENDPOINT?: string; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string }): boolean =>
  env.OTEL_TRACES_EXPORTER !== undefined
    ? env.OTEL_TRACES_EXPORTER !== 'none'
    : env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined;

/** Validates the environment once, at start-up. Throws a ConfigError that lists every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  return {
    http: {
      port: env.PORT,
      host: env.HOST,
      rateLimit: env.RATE_LIMIT,
      authFailureLimit: env.AUTH_FAILURE_LIMIT,
      limits: {
        headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT,
        requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT,
        keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT,
        maxConnections: env.HTTP_MAX_CONNECTIONS,
      },
      admin: env.ADMIN_PORT === undefined ? null : { port: env.ADMIN_PORT, host: env.ADMIN_HOST },
    },
    dataDir: env.DATA_DIR,
    database: { url: env.DATABASE_URL, embeddedPort: env.EMBEDDED_POSTGRES_PORT },
    adminToken: env.ADMIN_TOKEN,
    encryption: { key: env.ENCRYPTION_KEY ?? env.ENCRYPTION_KEY_FILE?.key, previousKey: env.ENCRYPTION_KEY_PREVIOUS ?? env.ENCRYPTION_KEY_PREVIOUS_FILE?.key },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      apiKey: env.TEMPORAL_API_KEY,
      tls: env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY ? { certPath: env.TEMPORAL_TLS_CERT, keyPath: env.TEMPORAL_TLS_KEY } : undefined,
      cliPath: env.TEMPORAL_CLI_PATH,
      devServerPort: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      metricsPort: env.TEMPORAL_METRICS_PORT,
    },
    delivery: {
      allowPrivateTargets: env.ALLOW_PRIVATE_TARGETS,
      allowedPorts: env.ALLOWED_PORTS,
      timeoutMs: env.DELIVERY_TIMEOUT,
      windowMs: env.DELIVERY_WINDOW,
      initialIntervalMs: env.RETRY_INITIAL_INTERVAL,
      maximumIntervalMs: env.RETRY_MAX_INTERVAL,
      backoffCoefficient: 2,
      firstAttempt: env.DELIVERY_FIRST_ATTEMPT,
      orderingRecheckMs: env.ORDERING_RECHECK_INTERVAL,
      responseBodyLimitBytes: env.RESPONSE_BODY_LIMIT,
      extraCaFiles: env.NODE_EXTRA_CA_CERTS ? [env.NODE_EXTRA_CA_CERTS] : [],
      gate: {
        defaultRateLimit: env.DELIVERY_RATE_LIMIT,
        defaultMaxInFlight: env.DELIVERY_MAX_IN_FLIGHT,
        releaseRate: env.RELEASE_RATE,
        failureThreshold: env.BREAKER_FAILURE_THRESHOLD,
        openForMs: env.BREAKER_OPEN_FOR,
        maxOpenMs: env.BREAKER_MAX_OPEN,
      },
    },
    dns: { timeoutMs: env.DNS_TIMEOUT ?? dnsTimeoutFor(env.DELIVERY_TIMEOUT), cacheTtlMs: env.DNS_CACHE_TTL, servers: env.DNS_SERVERS },
    outboxRelayIntervalMs: env.DISPATCH_RECOVERY_INTERVAL,
    recovery: { pageSize: env.RECOVERY_PAGE_SIZE, pagesPerRun: env.RECOVERY_PAGES_PER_RUN },
    retention: { retentionMs: env.RETENTION, responseBodyRetentionMs: env.RESPONSE_BODY_RETENTION ?? env.RETENTION, purgeIntervalMs: env.PURGE_INTERVAL },
    maxSubscriptionsPerEnvironment: env.MAX_SUBSCRIPTIONS_PER_ENVIRONMENT,
    releaseSignalRate: env.RELEASE_SIGNAL_RATE,
    worker: {
      port: env.WORKER_PORT,
      maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
      autoDisableAfterMs: env.AUTO_DISABLE_AFTER,
      environmentShare: env.ENVIRONMENT_MAX_IN_FLIGHT_SHARE,
    },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT, traceIds: tracingOn(env) },
    tracing: {
      enabled: tracingOn(env),
      exporter: env.OTEL_TRACES_EXPORTER === 'console' ? 'console' : 'otlp',
      serviceName: env.OTEL_SERVICE_NAME,
      urlTemplate: env.TRACE_URL_TEMPLATE ?? null,
    },
    portal: { publicUrl: env.PUBLIC_URL ?? null, frameAncestors: env.PORTAL_FRAME_ANCESTORS },
    warnings: [env.ENCRYPTION_KEY_FILE?.warning, env.ENCRYPTION_KEY_PREVIOUS_FILE?.warning].filter((line) => line !== undefined),
  };
}

/** The policy a notification created now gets, and keeps for its whole life whatever the configuration becomes. */
export function deliveryPolicyOf(delivery: Config['delivery']): DeliveryPolicy {
  return {
    initialIntervalMs: delivery.initialIntervalMs,
    maximumIntervalMs: delivery.maximumIntervalMs,
    backoffCoefficient: delivery.backoffCoefficient,
    attemptTimeoutMs: delivery.timeoutMs,
  };
}
