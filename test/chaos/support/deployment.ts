import { chaosCa } from './certificates';
import { ReceiverFleet } from './fleet';
import { startTopology, type Topology, type TopologyOptions } from './topology';

/** The set-up's and tear-down's times, on stderr: where a chaos file's time goes besides its cases. */
const say = (line: string): void => void process.stderr.write(`[chaos-deployment] ${line}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const describeFile = (): string => expect.getState().testPath?.replace(/.*\/test\/chaos\//, '') ?? 'chaos file';

export interface ChaosDeploymentOptions extends Omit<TopologyOptions, 'caFile'> {
  /** Starts a ReceiverFleet for the file's event cases (default true); its certificate chains to the chaos CA. */
  fleet?: boolean;
  /** How long the set-up may take (default 180 s). */
  setupTimeoutMs?: number;
}

/** A chaos file's deployment, usable from its cases (and from a later beforeAll) on. */
export interface ChaosDeployment {
  readonly topology: Topology;
  /** The fleet; only with `fleet` (the default). */
  readonly fleet: ReceiverFleet;
  /** What the file started of its own (receivers), to stop after its cases, once the deployment has stopped. */
  onStop(...stop: (() => Promise<unknown>)[]): void;
}

/**
 * What every chaos file sets up the same way: in beforeAll, the receiver fleet and the deployment (startTopology:
 * 2 × start:api and 2 × start:worker trusting the chaos CA, with the file's settings); in afterAll, the deployment,
 * then what the file registered with onStop(), then the fleet.
 */
export function useChaosDeployment(options: ChaosDeploymentOptions = {}): ChaosDeployment {
  const { fleet: withFleet = true, setupTimeoutMs = 180_000, ...topologyOptions } = options;
  let topology: Topology | undefined;
  let fleet: ReceiverFleet | undefined;
  const stops: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const started = Date.now();
    fleet = withFleet ? await ReceiverFleet.start() : undefined;
    const caFile = fleet?.caFile ?? (await chaosCa()).caFile;
    const receivers = Date.now();
    topology = await startTopology({ ...topologyOptions, caFile });
    say(`${describeFile()}: receivers ${seconds(receivers - started)}, deployment ${seconds(Date.now() - receivers)}`);
  }, setupTimeoutMs);

  afterAll(async () => {
    const started = Date.now();
    await topology?.stop();
    const stopped = Date.now();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await fleet?.stop();
    say(`${describeFile()}: deployment stopped in ${seconds(stopped - started)}, receivers in ${seconds(Date.now() - stopped)}`);
  });

  return {
    get topology() {
      if (!topology) throw new Error('the chaos deployment is not started: use it in a case or a later beforeAll');
      return topology;
    },
    get fleet() {
      if (!fleet) throw new Error(withFleet ? 'the receiver fleet is not started yet' : 'this deployment was set up with fleet: false');
      return fleet;
    },
    onStop(...stop) {
      stops.push(...stop);
    },
  };
}
