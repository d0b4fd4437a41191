import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DATA_FILES } from './data-files';

/**
 * The secrets `npm start` (and `plude listen`) keep in the data folder, relative to it: the tokens, the master key,
 * the embedded PostgreSQL's password and the development CA's key.
 */
export const DATA_FOLDER_SECRETS = [...Object.values(DATA_FILES), 'postgres-password', path.join('dev-ca', 'ca-key.pem')];

const FOLDER_MODE = 0o700;
/**
 * As root, the embedded PostgreSQL runs as the system user `postgres`, which must pass through the data folder to its
 * cluster (DATA_DIR/postgres, its own and 0700): others may then enter the folder, never list it or read a secret.
 */
const TRAVERSABLE_FOLDER_MODE = 0o711;
const SECRET_MODE = 0o600;

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

async function narrow(file: string, mode: number, warn: (line: string) => void): Promise<void> {
  let current: number;
  try {
    current = (await stat(file)).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((current & ~mode) === 0) return;
  await chmod(file, mode);
  warn(`${file} was mode ${octal(current)}, open to other users of this machine: narrowed to ${octal(mode)}`);
}

/**
 * The data folder readable by its owner only (0700; 0711 with `traversable`), and each secret in it (0600): made so when missing, and narrowed,
 * with a warning naming the file, when found wider. Run at every start, since a copy, a restore or an umask can widen
 * them after they were created.
 */
export async function secureDataFolder(dataDir: string, warn: (line: string) => void, options: { traversable?: boolean } = {}): Promise<void> {
  const dir = path.resolve(dataDir);
  const folderMode = options.traversable ? TRAVERSABLE_FOLDER_MODE : FOLDER_MODE;
  await mkdir(dir, { recursive: true, mode: folderMode });
  await narrow(dir, folderMode, warn);
  for (const secret of DATA_FOLDER_SECRETS) await narrow(path.join(dir, secret), SECRET_MODE, warn);
}
