import type { Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { KeyRing } from '../crypto/key-ring';
import { DATA_SOURCE } from './injection';
import { SigningKeyRepository } from './repositories/signing-key.repository';
import { SubscriptionRepository } from './repositories/subscription.repository';

/** Nest providers for repositories made from the process's DataSource alone: a module lists the ones it uses. */
export const provideRepositories = (...types: (new (db: DataSource) => unknown)[]): Provider[] =>
  types.map((type) => ({ provide: type, useFactory: (db: DataSource) => new type(db), inject: [DATA_SOURCE] }));

/** The signing keys' repository, which seals and opens keys with the process's key ring. */
export const signingKeyRepositoryProvider: Provider = {
  provide: SigningKeyRepository,
  useFactory: (db: DataSource, keyRing: KeyRing) => new SigningKeyRepository(db, keyRing),
  inject: [DATA_SOURCE, KeyRing],
};

/** The subscriptions' repository, which makes a subscription's first signing key (needs signingKeyRepositoryProvider). */
export const subscriptionRepositoryProvider: Provider = {
  provide: SubscriptionRepository,
  useFactory: (db: DataSource, signingKeys: SigningKeyRepository) => new SubscriptionRepository(db, signingKeys),
  inject: [DATA_SOURCE, SigningKeyRepository],
};
