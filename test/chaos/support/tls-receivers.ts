import type { IncomingMessage, ServerResponse } from 'node:http';
import { chaosCa, expiredCertificate, untrustedSelfSigned, wrongHostCertificate, type ChaosCa, type ServerCertificate } from './certificates';
import { RecordingServer, type Hit } from './recording-server';

/**
 * R6: receivers whose certificate must fail verification by a client trusting the chaos CA, everything else being
 * fine (they would answer 200). `hits` and `bodyBytesReceived` must stay 0: no request gets past the handshake.
 */
export type BadTlsKind = 'selfSigned' | 'expired' | 'wrongHost';

/** The error code Node (and undici) give for each kind. */
export const BAD_TLS_ERROR: Record<BadTlsKind, string> = {
  selfSigned: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  expired: 'CERT_HAS_EXPIRED',
  wrongHost: 'ERR_TLS_CERT_ALTNAME_INVALID',
};

export class BadTlsReceiver extends RecordingServer {
  private constructor(readonly kind: BadTlsKind) {
    super();
  }

  /** (a) self-signed, in no trusted file; (b) issued by the chaos CA, expired; (c) issued by it for wrong.localhost. */
  static async start(kind: BadTlsKind, ca?: ChaosCa): Promise<BadTlsReceiver> {
    const authority = ca ?? (await chaosCa());
    const certificates: Record<BadTlsKind, () => Promise<ServerCertificate>> = {
      selfSigned: untrustedSelfSigned,
      expired: () => expiredCertificate(authority),
      wrongHost: () => wrongHostCertificate(authority),
    };
    return new BadTlsReceiver(kind).listen(await certificates[kind]());
  }

  /** The verification error code a client should see. */
  get expectedError(): string {
    return BAD_TLS_ERROR[this.kind];
  }

  /** Request body bytes that got through (must be 0). */
  get bodyBytesReceived(): number {
    return this.requests.reduce((sum, hit) => sum + hit.bodyBytes, 0);
  }

  protected handle(_hit: Hit, _req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('this certificate should have been refused');
  }
}

export type BadTlsReceivers = Record<BadTlsKind, BadTlsReceiver> & { stop(): Promise<void> };

/** The three bad-certificate receivers. */
export async function startBadTlsReceivers(ca?: ChaosCa): Promise<BadTlsReceivers> {
  const [selfSigned, expired, wrongHost] = await Promise.all((['selfSigned', 'expired', 'wrongHost'] as const).map((kind) => BadTlsReceiver.start(kind, ca)));
  return {
    selfSigned,
    expired,
    wrongHost,
    stop: async () => {
      await Promise.all([selfSigned.stop(), expired.stop(), wrongHost.stop()]);
    },
  };
}
