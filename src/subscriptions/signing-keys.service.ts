import { Injectable } from '@nestjs/common';
import { parseDuration } from '../config/duration';
import { conflict, notFound } from '../domain/errors';
import { isId, newId } from '../domain/ids';
import { generateSigningSecret } from '../domain/signature';
import { MAX_LIVE_SIGNING_KEYS, rotationOverlapMs } from '../domain/signing-keys';
import { SigningKeyRepository } from '../persistence/repositories/signing-key.repository';
import { SigningKeyResponse } from './signing-key.dto';

@Injectable()
export class SigningKeysService {
  constructor(private readonly signingKeys: SigningKeyRepository) {}

  /**
   * A new signing key, which signs from now on, first; the older ones keep signing for the overlap. Refused (409)
   * when MAX_LIVE_SIGNING_KEYS would then sign; an overlap of 0 always goes through, as it retires the others.
   */
  async rotate(environmentId: string, subscriptionId: string, overlap: string | undefined): Promise<SigningKeyResponse> {
    const overlapMs = rotationOverlapMs(overlap, overlap === undefined ? undefined : parseDuration(overlap, { allowZero: true }));
    if (!isId('sub', subscriptionId)) throw notFound('subscription', subscriptionId);
    const rotation = await this.signingKeys.rotate({
      environmentId,
      subscriptionId,
      overlapMs,
      maxLive: MAX_LIVE_SIGNING_KEYS,
      key: { id: newId('key'), secret: generateSigningSecret() },
    });
    switch (rotation.outcome) {
      case 'rotated':
        return SigningKeyResponse.from(rotation.key);
      case 'not_found':
        throw notFound('subscription', subscriptionId);
      case 'too_many_keys': {
        const next = rotation.nextExpiry ? `the next one stops at ${rotation.nextExpiry.toISOString()}` : 'none of them expires';
        throw conflict(
          `subscription ${subscriptionId} already has ${rotation.live} live signing keys, and at most ${MAX_LIVE_SIGNING_KEYS} sign at once; ` +
            `${next}. Rotate with {"overlap": "0s"} to retire every older key now.`,
        );
      }
    }
  }

  /** The subscription's newest live key: the one that signs first, as subscribe returns it (the portal reveals it). */
  async current(environmentId: string, subscriptionId: string): Promise<SigningKeyResponse> {
    const key = isId('sub', subscriptionId) ? await this.signingKeys.newestOfSubscription(environmentId, subscriptionId) : null;
    if (!key) throw notFound('subscription', subscriptionId);
    return SigningKeyResponse.from(key);
  }
}
