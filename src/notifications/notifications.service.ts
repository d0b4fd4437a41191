import { Injectable } from '@nestjs/common';
import { notFound } from '../domain/errors';
import { isId } from '../domain/ids';
import type { NotificationEntity } from '../persistence/entities';
import { NotificationRepository } from '../persistence/repositories/notification.repository';
import { AttemptResponse, NotificationResponse } from './notification.dto';

@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationRepository) {}

  async get(environmentId: string, id: string): Promise<NotificationResponse> {
    const notification = await this.find(environmentId, id);
    const [attempts, subscriptionStatus] = await Promise.all([
      this.notifications.findAttempts(notification.id),
      notification.status === 'pending' ? this.notifications.subscriptionStatusOf(notification.subscriptionId) : null,
    ]);
    return NotificationResponse.from(notification, attempts, subscriptionStatus);
  }

  async attempts(environmentId: string, id: string): Promise<AttemptResponse[]> {
    const notification = await this.find(environmentId, id);
    return (await this.notifications.findAttempts(notification.id)).map(AttemptResponse.from);
  }

  private async find(environmentId: string, id: string): Promise<NotificationEntity> {
    const notification = isId('ntf', id) ? await this.notifications.findInEnvironment(environmentId, id) : null;
    if (!notification) throw notFound('notification', id);
    return notification;
  }
}
