import { ApiTokenEntity } from './api-token.entity';
import { AttemptEntity } from './attempt.entity';
import { EnvironmentEntity } from './environment.entity';
import { EventEntity } from './event.entity';
import { EventTypeEntity } from './event-type.entity';
import { NotificationEntity } from './notification.entity';
import { RecoveryEntity } from './recovery.entity';
import { SigningKeyEntity } from './signing-key.entity';
import { SubscriptionEntity } from './subscription.entity';

export {
  ApiTokenEntity,
  AttemptEntity,
  EnvironmentEntity,
  EventEntity,
  EventTypeEntity,
  NotificationEntity,
  RecoveryEntity,
  SigningKeyEntity,
  SubscriptionEntity,
};

export const ENTITIES = [
  EnvironmentEntity,
  ApiTokenEntity,
  SubscriptionEntity,
  SigningKeyEntity,
  EventEntity,
  NotificationEntity,
  AttemptEntity,
  EventTypeEntity,
  RecoveryEntity,
];
