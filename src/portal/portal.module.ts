import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import type { Config } from '../config/config';
import { CONFIG } from '../config/injection';
import { provideRepositories } from '../persistence/nest-providers';
import { PortalSessionRepository } from '../persistence/repositories/portal-session.repository';
import { EventsModule } from '../events/events.module';
import { EventTypesModule } from '../event-types/event-types.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RecoveriesModule } from '../recoveries/recoveries.module';
import { SigningKeysModule } from '../subscriptions/signing-keys.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { PortalAssetsController } from './portal-assets.controller';
import { PortalEntryController } from './portal-entry.controller';
import { PortalHeadersMiddleware } from './portal-headers.middleware';
import { PortalLinksController } from './portal-links.controller';
import { PortalSessionGuard } from './portal-session.guard';
import { PortalSessionsService } from './portal-sessions.service';
import { PORTAL_SETTINGS, portalSettings } from './portal-settings';
import { PortalCatalogController } from './catalog/portal-catalog.controller';
import { PortalSubscriptionController } from './subscriptions/portal-subscription.controller';
import { PortalSubscriptionsController } from './subscriptions/portal-subscriptions.controller';
import { SubscriptionPages } from './subscriptions/subscription-pages';
import { NotificationListViews } from './notifications/notification-list-views.service';
import { NotificationViews } from './notifications/notification-views.service';
import { PortalNotificationListController } from './notifications/portal-notification-list.controller';
import { PortalNotificationsController } from './notifications/portal-notifications.controller';
import { PortalRecoveriesController } from './recoveries/portal-recoveries.controller';

/**
 * The integrator portal (issue 25): server-rendered pages under /portal, answered by the API's own services, in a
 * session opened by a one-time link.
 */
@Module({
  imports: [AuthModule, SubscriptionsModule, SigningKeysModule, NotificationsModule, EventsModule, EventTypesModule, RecoveriesModule],
  controllers: [
    PortalLinksController,
    PortalAssetsController,
    PortalEntryController,
    // The lists' routes (new, test among them) before one item's (:id).
    PortalSubscriptionsController,
    PortalSubscriptionController,
    PortalCatalogController,
    PortalNotificationListController,
    PortalNotificationsController,
    PortalRecoveriesController,
  ],
  providers: [
    PortalSessionsService,
    PortalSessionGuard,
    SubscriptionPages,
    NotificationViews,
    NotificationListViews,
    { provide: PORTAL_SETTINGS, useFactory: (config: Config) => portalSettings(config), inject: [CONFIG] },
    ...provideRepositories(PortalSessionRepository),
  ],
})
export class PortalModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PortalHeadersMiddleware).forRoutes('portal', 'portal/{*path}');
  }
}
