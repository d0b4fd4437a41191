import { createHash, randomBytes } from 'node:crypto';
import { KeyRing, masterKeyId, parseMasterKey, SealingError } from '../../src/crypto/key-ring';

describe('KeyRing: signing keys sealed with AES-256-GCM under a master key', () => {
  const [current, previous, stranger] = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo=';

  it('opens what it sealed, under the same context', () => {
    const ring = new KeyRing(current);
    const sealed = ring.seal(secret, 'key_1');
    expect(sealed.masterKeyId).toBe(masterKeyId(current));
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.ciphertext.toString('utf8')).not.toContain('MfKQ9r8');
    expect(ring.open(sealed, 'key_1')).toBe(secret);
  });

  it('uses a fresh IV for every seal', () => {
    const ring = new KeyRing(current);
    const [a, b] = [ring.seal(secret, 'key_1'), ring.seal(secret, 'key_1')];
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('names a master key by the first 8 hex characters of its SHA-256', () => {
    expect(masterKeyId(current)).toBe(createHash('sha256').update(current).digest('hex').slice(0, 8));
    expect(new KeyRing(current, previous).ids()).toEqual([masterKeyId(current), masterKeyId(previous)]);
  });

  it('fails with a master key it does not hold', () => {
    const sealed = new KeyRing(stranger).seal(secret, 'key_1');
    expect(() => new KeyRing(current, previous).open(sealed, 'key_1')).toThrow(SealingError);
    expect(() => new KeyRing(current, previous).open(sealed, 'key_1')).toThrow(`master key ${masterKeyId(stranger)} is not in the key ring`);
  });

  it('fails when a wrong key claims to be the one that sealed it', () => {
    const sealed = new KeyRing(stranger).seal(secret, 'key_1');
    const ring = new KeyRing(current);
    expect(() => ring.open({ ...sealed, masterKeyId: ring.currentId }, 'key_1')).toThrow(/does not authenticate/);
  });

  it('opens with the previous master key, and seals with the current one only', () => {
    const sealedBefore = new KeyRing(previous).seal(secret, 'key_1');
    const ring = new KeyRing(current, previous);
    expect(ring.open(sealedBefore, 'key_1')).toBe(secret);
    expect(ring.seal(secret, 'key_2').masterKeyId).toBe(masterKeyId(current));
    expect(ring.previousId).toBe(masterKeyId(previous));
  });

  describe('refuses anything altered', () => {
    const ring = new KeyRing(current);
    const sealed = ring.seal(secret, 'key_1');
    const flipped = (buffer: Buffer, index = 0) => {
      const copy = Buffer.from(buffer);
      copy[index] ^= 0x01;
      return copy;
    };

    it.each([
      ['the ciphertext', () => ({ ...sealed, ciphertext: flipped(sealed.ciphertext, 5) })],
      ['the tag', () => ({ ...sealed, tag: flipped(sealed.tag) })],
      ['the IV', () => ({ ...sealed, iv: flipped(sealed.iv) })],
      ['a truncated ciphertext', () => ({ ...sealed, ciphertext: sealed.ciphertext.subarray(1) })],
    ])('%s', (_, altered) => {
      expect(() => ring.open(altered(), 'key_1')).toThrow(SealingError);
    });

    it('the context: a sealed value moved to another key', () => {
      expect(() => ring.open(sealed, 'key_2')).toThrow(/does not authenticate/);
    });

    it('a malformed tag or IV', () => {
      expect(() => ring.open({ ...sealed, tag: sealed.tag.subarray(0, 8) }, 'key_1')).toThrow(/malformed/);
      expect(() => ring.open({ ...sealed, iv: Buffer.alloc(16) }, 'key_1')).toThrow(/malformed/);
    });
  });

  it('wants 32-byte master keys', () => {
    expect(() => new KeyRing(randomBytes(16))).toThrow(/32 bytes/);
  });

  describe('parseMasterKey', () => {
    it('reads the output of `openssl rand -base64 32`, with or without padding and surrounding space', () => {
      const text = current.toString('base64');
      expect(parseMasterKey(text)).toEqual(current);
      expect(parseMasterKey(` ${text}\n`)).toEqual(current);
      expect(parseMasterKey(text.replace(/=+$/, ''))).toEqual(current);
    });

    it.each([
      ['31 bytes', randomBytes(31).toString('base64')],
      ['33 bytes', randomBytes(33).toString('base64')],
      ['hex', randomBytes(32).toString('hex')],
      ['base64url', Buffer.alloc(32, 0xfb).toString('base64url')],
      ['non-canonical base64', `${Buffer.alloc(32).toString('base64').slice(0, 42)}B=`],
      ['text', 'correct horse battery staple'],
      ['nothing', ''],
    ])('refuses %s', (_, text) => {
      expect(parseMasterKey(text)).toBeNull();
    });
  });
});
