import { loadConfig } from './config/config';
import { KeyRing } from './crypto/key-ring';
import { openDatabase } from './persistence/data-source';
import { banner } from './runtime/banner';
import { Closers } from './lib/closers';
import { startCombinedRoles } from './runtime/combined-roles';
import { loadOrCreateDevCa } from './dev/dev-ca';
import { secureDataFolder } from './lib/data-folder';
import { ensureSampleEventTypes, ensureSandbox, ensureServiceToken, loadOrCreateAdminToken, loadOrCreateMasterKey } from './runtime/first-run';
import { startInfrastructure } from './dev/infrastructure';
import { createAppLogger } from './observability/logger';
import { setupTracing } from './observability/tracing';
import { processMetrics } from './runtime/role-deps';
import { exitOnStartupFailure, onShutdown } from './runtime/shutdown';
import { installTemporalRuntime } from './runtime/temporal-runtime';

/**
 * `npm start`: everything in one process for a new user — PostgreSQL and Temporal (embedded unless DATABASE_URL /
 * TEMPORAL_ADDRESS name real ones), the worker, and the API starting workflows eagerly on that worker. The admin
 * token and the master key come from ADMIN_TOKEN and ENCRYPTION_KEY (or ENCRYPTION_KEY_FILE), else from files it generates in DATA_DIR, a
 * folder kept 0700 with its secrets 0600 (narrowed, with a warning, at every start).
 * Receivers' certificates may also come from DATA_DIR's development CA, which `plude listen` issues its own from.
 */
async function main(closers: Closers): Promise<void> {
  let config = loadConfig();
  const logger = createAppLogger(config.log);
  const main = logger.child({ context: 'main' });
  const log = (line: string) => main.info(line);
  for (const line of config.warnings) main.warn(line);
  onShutdown(() => closers.closeAll(log), log);

  // As root without DATABASE_URL, the embedded PostgreSQL (user `postgres`) must pass through the folder to its cluster.
  const traversable = !config.database.url && process.getuid?.() === 0;
  await secureDataFolder(config.dataDir, (line) => main.warn(line), { traversable });
  const devCa = await loadOrCreateDevCa(config.dataDir);
  if (devCa.replaced) main.warn(`replaced the development CA in ${devCa.certFile}: ${devCa.replaced}; certificates it issued are no longer trusted`);
  // Name-constrained to localhost and loopback addresses: trusted only for environments that allow private targets.
  config = { ...config, delivery: { ...config.delivery, privateTargetCaFiles: [devCa.certFile] } };

  const tracing = await setupTracing(config.tracing);
  if (tracing) closers.add(() => tracing.shutdown()); // last: the spans of everything else's shutdown are exported
  const infrastructure = await startInfrastructure(config, log, (line) => main.debug(line));
  closers.add(() => infrastructure.stop());
  const masterKey = config.encryption.key ? undefined : await loadOrCreateMasterKey(config.dataDir);
  const keyRing = new KeyRing(config.encryption.key ?? masterKey!.value, config.encryption.previousKey);
  const db = await openDatabase(infrastructure.databaseUrl, keyRing, { logger: logger.child({ context: 'database' }) });
  closers.add(() => db.destroy());
  const adminToken = config.adminToken ? undefined : await loadOrCreateAdminToken(config.dataDir);
  if (adminToken) config = { ...config, adminToken: adminToken.value };
  const sandbox = adminToken ? await ensureSandbox(db, config.dataDir) : undefined;
  if (adminToken) await ensureSampleEventTypes(db);
  const serviceToken = adminToken ? await ensureServiceToken(db, config.dataDir) : undefined;

  const temporal = await installTemporalRuntime(config, logger);
  const metrics = processMetrics({ db, temporalSdkUrl: temporal.metricsUrl });
  const { api, workerRun } = await startCombinedRoles({ config, db, keyRing, logger, metrics, tracing }, infrastructure.temporalAddress, closers);
  workerRun.catch((err: Error) => {
    main.error(`worker stopped: ${err.message}`);
    process.kill(process.pid, 'SIGTERM');
  });

  process.stdout.write(
    banner({
      apiUrl: api.url,
      temporalUiUrl: infrastructure.temporalUiUrl,
      adminToken,
      sandbox,
      serviceToken,
      masterKey,
      devCa,
      dataDir: config.dataDir,
      cwd: process.cwd(),
    }),
  );
}

const closers = new Closers();
main(closers).catch(async (err) => {
  await closers.closeAll((line) => process.stderr.write(`${line}\n`));
  exitOnStartupFailure(err);
});
