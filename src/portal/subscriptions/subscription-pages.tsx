import { Injectable } from '@nestjs/common';
import { EventTypesService } from '../../event-types/event-types.service';
import { SubscriptionsService } from '../../subscriptions/subscriptions.service';
import type { PortalSession } from '../portal-sessions.service';
import { renderPage } from '../views/render';
import { subscriptionFormFrom } from './subscription-form';
import { SubscriptionPage, type SubscriptionPageProps } from './subscription-page';

/** What a subscription's page shows beyond the subscription itself. */
export type SubscriptionPageExtras = Partial<Pick<SubscriptionPageProps, 'form' | 'formErrors' | 'rotateErrors' | 'notice' | 'signingKey'>>;

/** Reads what the subscription pages show, through the API's services, for the session's environment only. */
@Injectable()
export class SubscriptionPages {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly types: EventTypesService,
  ) {}

  /** The catalog's types a subscription is offered (archived ones are not). */
  async catalogTypes(): Promise<string[]> {
    return (await this.types.list()).items.filter((type) => !type.archived).map((type) => type.name);
  }

  /** The subscription's page (a 404 page for an ID the environment does not hold). */
  async page(session: PortalSession, id: string, extras: SubscriptionPageExtras = {}): Promise<string> {
    const [subscription, catalogTypes] = await Promise.all([this.subscriptions.get(session.environmentId, id), this.catalogTypes()]);
    const form = extras.form ?? subscriptionFormFrom(subscription, catalogTypes);
    return renderPage(<SubscriptionPage {...extras} session={session} subscription={subscription} catalogTypes={catalogTypes} form={form} />);
  }
}
