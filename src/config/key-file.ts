import { readFileSync, statSync } from 'node:fs';
import { parseMasterKey } from '../crypto/key-ring';

/** What a master key file gave: the key, and a warning for the log when others than its owner may read it. */
export type KeyFileRead = { key: Buffer; warning?: string } | { error: string };

/**
 * A master key read from a file (ENCRYPTION_KEY_FILE, ENCRYPTION_KEY_PREVIOUS_FILE: the `_FILE` convention of Docker
 * and Kubernetes secrets): base64 of 32 bytes, surrounding whitespace (a trailing newline) ignored. A file that its
 * group or others may read or write is used, with a warning: a Kubernetes secret volume is 0644 unless `defaultMode`
 * says otherwise, and a process that runs as another user than the file's owner needs its group's read (0440), so a
 * refusal would break the usual set-ups while the process could not narrow a read-only mount anyway. Neither the
 * key nor the file's content appears in a message.
 */
export function readKeyFile(variable: string, file: string): KeyFileRead {
  let text: string;
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { error: `${file} cannot be read (${code})` };
  }
  const key = parseMasterKey(text);
  if (!key) return { error: `${file} must hold 32 bytes in base64, e.g. the output of \`openssl rand -base64 32\`` };
  if ((mode & 0o077) === 0) return { key };
  const octal = mode.toString(8).padStart(4, '0');
  return {
    key,
    warning: `${variable}: ${file} has mode ${octal}, so others than its owner may read it; 0600 or 0400 keeps the master key to its owner (a Kubernetes secret: defaultMode: 0400)`,
  };
}
