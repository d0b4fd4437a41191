import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `node dist-bench/bench/profile-summary.js <dir-or-file.cpuprofile>…`: where a `--cpu-prof` profile's samples went,
 * by owner: each npm package (`node_modules/<name>`), the service's own code (src/, workflows/, activities/), the
 * engine's own entries ((garbage collector), (program)) apart. A sample whose frame is Node's own (`node:…`) counts for
 * the nearest caller that is not, so a socket write the pg driver asks for counts as pg's. Idle samples are left out.
 * The workflow bundle is one of the service's files, the SDK's workflow code in it included. Then the five functions
 * with the most samples of their own, where a native one (Node's `vm` call itself, say) shows as what it is.
 * Made to bound a candidate before building it: what Express and Nest's router cost is at most what they own here.
 */

/** The parts of V8's .cpuprofile this reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  owner: string;
  ms: number;
  share: number;
}

/** The owner of a frame: its npm package, `service` for the project's own files, or null for Node's own. */
export function ownerOf(url: string, functionName: string): string | null {
  if (url === '') return functionName.startsWith('(') ? functionName : null;
  if (url.startsWith('node:') || !url.includes('/')) return null;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  return 'service';
}

/** The busy (non-idle) samples' milliseconds by the key each is given, largest first, with each key's share. */
function sharesBy(profile: CpuProfile, keyOf: (id: number) => string | null): Share[] {
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const key = keyOf(id);
    if (key !== null) totals.set(key, (totals.get(key) ?? 0) + profile.timeDeltas[i] / 1000);
  });
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals.entries()].map(([owner, ms]) => ({ owner, ms, share: busy > 0 ? ms / busy : 0 })).sort((a, b) => b.ms - a.ms);
}

/** Milliseconds per owner, largest first, with each one's share of the busy (non-idle) time. */
export function summarise(profile: CpuProfile): Share[] {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owners = new Map<number, string>();
  const ownerOfNode = (id: number): string => {
    const known = owners.get(id);
    if (known !== undefined) return known;
    const frame = byId.get(id)!.callFrame;
    const up = parent.get(id);
    const owner = ownerOf(frame.url, frame.functionName) ?? (up === undefined ? 'node' : ownerOfNode(up));
    owners.set(id, owner);
    return owner;
  };
  return sharesBy(profile, (id) => {
    const owner = ownerOfNode(id);
    return owner === '(idle)' ? null : owner;
  });
}

/** The `count` functions with the most samples of their own (native ones such as `runInContext` included). */
export function heaviest(profile: CpuProfile, count: number): Share[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  return sharesBy(profile, (id) => {
    const { functionName, url } = byId.get(id)!;
    if (functionName === '(idle)') return null;
    return `${functionName || '(anonymous)'}${url ? ` ${url.replace(/^.*\/node_modules\//, '')}` : ''}`;
  }).slice(0, count);
}

async function profilesIn(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    if (p.endsWith('.cpuprofile')) files.push(p);
    else files.push(...(await readdir(p)).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(p, f)));
  }
  return files;
}

async function main(): Promise<void> {
  for (const file of await profilesIn(process.argv.slice(2))) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    const shares = summarise(profile);
    const busy = shares.reduce((a, s) => a + s.ms, 0);
    process.stdout.write(`${path.basename(file)}: ${busy.toFixed(0)} ms busy\n`);
    const line = (s: Share) => `  ${s.owner.padEnd(40)} ${s.ms.toFixed(0).padStart(7)} ms  ${(s.share * 100).toFixed(1).padStart(5)} %\n`;
    for (const s of shares.filter((s) => s.share >= 0.005)) process.stdout.write(line(s));
    process.stdout.write('  the heaviest functions, by samples of their own:\n');
    for (const s of heaviest(profile, 5)) process.stdout.write(line(s));
  }
}

if (require.main === module) void main();
