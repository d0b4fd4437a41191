import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Signing keys sealed at rest: AES-256-GCM under a master key, a random 12-byte IV per seal, the 16-byte tag kept
 * beside the ciphertext. The additional authenticated data binds a ciphertext to the row it belongs to (the signing
 * key's ID), so a sealed value copied onto another row does not open.
 */
export const SEALING_ALGORITHM = 'aes-256-gcm';
export const MASTER_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  /** Which master key sealed it: see masterKeyId. */
  masterKeyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export class SealingError extends Error {
  override readonly name = 'SealingError';
}

/** The first 8 hex characters of the master key's SHA-256: names a master key without revealing it. */
export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function generateMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}

/** A master key written as base64 (`openssl rand -base64 32`), or null when it is not 32 bytes of strict base64. */
export function parseMasterKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null;
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== MASTER_KEY_BYTES) return null;
  return key.toString('base64').replace(/=+$/, '') === trimmed.replace(/=+$/, '') ? key : null;
}

/** The current master key, which seals, and optionally the previous one, which only opens (master key rotation). */
export class KeyRing {
  private readonly keys = new Map<string, Buffer>();
  readonly currentId: string;
  readonly previousId: string | null;

  constructor(current: Buffer, previous?: Buffer) {
    for (const key of [current, previous]) {
      if (key && key.length !== MASTER_KEY_BYTES) throw new SealingError(`a master key is ${MASTER_KEY_BYTES} bytes, not ${key.length}`);
    }
    this.currentId = masterKeyId(current);
    this.keys.set(this.currentId, Buffer.from(current));
    this.previousId = previous ? masterKeyId(previous) : null;
    if (previous && this.previousId !== this.currentId) this.keys.set(masterKeyId(previous), Buffer.from(previous));
  }

  /** Whether this ring can open what `id` sealed. */
  knows(id: string): boolean {
    return this.keys.has(id);
  }

  /** Master key IDs this ring opens, the current one first. */
  ids(): string[] {
    return [...this.keys.keys()];
  }

  seal(plaintext: string, context: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(SEALING_ALGORITHM, this.key(this.currentId), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { masterKeyId: this.currentId, iv, ciphertext, tag: cipher.getAuthTag() };
  }

  /** The plaintext, or a SealingError when the master key is unknown or the value (or its context) was altered. */
  open(sealed: Sealed, context: string): string {
    if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw new SealingError('sealed value has a malformed IV or tag');
    const decipher = createDecipheriv(SEALING_ALGORITHM, this.key(sealed.masterKeyId), sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    try {
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SealingError(`sealed value for ${context} does not authenticate under master key ${sealed.masterKeyId}`);
    }
  }

  private key(id: string): Buffer {
    const key = this.keys.get(id);
    if (!key) throw new SealingError(`master key ${id} is not in the key ring (it holds ${this.ids().join(', ')})`);
    return key;
  }
}
