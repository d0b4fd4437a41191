import { ApiTokenEntity } from './api-token.entity';
import { AttemptEntity } from './attempt.entity';
import { EnvironmentEntity } from './environment.entity';
import { EventEntity } from './event.entity';
import { NotificationEntity } from './notification.entity';
import { SigningKeyEntity } from './signing-key.entity';
import { SubscriptionEntity } from './subscription.entity';

export { ApiTokenEntity, AttemptEntity, EnvironmentEntity, EventEntity, NotificationEntity, SigningKeyEntity, SubscriptionEntity };

export const ENTITIES = [
  EnvironmentEntity,
  ApiTokenEntity,
  SubscriptionEntity,
  SigningKeyEntity,
  EventEntity,
  NotificationEntity,
  AttemptEntity,
];
