import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createHttpSender } from '../../activities/http/sender';
import { generateSigningSecret } from '../../src/domain/signature';
import { createBareActivities } from './activities';

/** The SDK's default, made explicit so that the sender's pool matches it, as in the app's worker. */
const MAX_CONCURRENT_ACTIVITIES = 100;

/**
 * Child process of the bench: a worker running the bare workflow (BARE_SHAPE `activity` or `local`) and a client on the same connection that starts
 * one workflow (eagerly) per message from the parent, answering when the start returned.
 */
async function main(): Promise<void> {
  const taskQueue = `bare-${process.pid}`;
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
  const sender = createHttpSender({
    allowPrivateTargets: true,
    extraCaFiles: process.env.NODE_EXTRA_CA_CERTS ? [process.env.NODE_EXTRA_CA_CERTS] : [],
    responseBodyLimitBytes: 4096,
    maxConnectionsPerOrigin: MAX_CONCURRENT_ACTIVITIES,
  });
  const worker = await Worker.create({
    maxConcurrentActivityTaskExecutions: MAX_CONCURRENT_ACTIVITIES,
    connection,
    taskQueue,
    workflowsPath: require.resolve('./workflow'),
    activities: createBareActivities(sender, generateSigningSecret()),
    shutdownGraceTime: '5s',
  });
  const running = worker.run();
  const client = new Client({ connection });
  const workflowType = process.env.BARE_SHAPE === 'local' ? 'bareDeliveryLocalFirst' : 'bareDelivery';
  process.on('message', (message: { id: string; url: string; body: string }) => {
    client.workflow.start(workflowType, { workflowId: message.id, taskQueue, args: [message.url, message.body], requestEagerStart: true }).then(
      () => process.send!({ started: message.id }),
      (err: Error) => process.send!({ failed: message.id, error: err.message }),
    );
  });
  process.on('disconnect', () => {
    worker.shutdown();
    void running.then(() => sender.close()).then(() => connection.close());
  });
  process.send!({ ready: true });
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
