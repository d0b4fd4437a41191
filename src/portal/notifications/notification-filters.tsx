import { NOTIFICATION_STATUSES } from '../../domain/statuses';
import type { NotificationFilters, NotificationsPageProps } from './notifications-page';

/** The list's filters: a GET form, so that a filtered list is a link. */
export function FiltersForm({
  filters,
  subscriptions,
  eventTypes,
  error,
}: Pick<NotificationsPageProps, 'filters' | 'subscriptions' | 'eventTypes'> & { error?: string }) {
  const selected = (name: keyof NotificationFilters, value: string) => (filters[name] ?? '') === value;
  return (
    <form method="get" action="/portal/notifications" class="stack" aria-labelledby="filters-heading" aria-describedby={error ? 'filters-error' : undefined}>
      <h2 id="filters-heading">Filter</h2>
      {error && (
        <p class="error" role="alert" id="filters-error">
          {error}
        </p>
      )}
      <div>
        <label for="filter-status">Status</label>
        <select id="filter-status" name="status">
          <option value="" selected={selected('status', '')}>
            any
          </option>
          {NOTIFICATION_STATUSES.map((status) => (
            <option key={status} value={status} selected={selected('status', status)}>
              {status}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-event-type">Event type</label>
        <input
          id="filter-event-type"
          name="eventType"
          type="text"
          list="event-types"
          value={filters.eventType ?? ''}
          aria-describedby="filter-event-type-hint"
        />
        <datalist id="event-types">
          {eventTypes.map((type) => (
            <option key={type.name} value={type.name} />
          ))}
        </datalist>
        <p class="hint" id="filter-event-type-hint">
          Exactly this type; empty for every type.
        </p>
      </div>
      <div>
        <label for="filter-subscription">Subscription</label>
        <select id="filter-subscription" name="subscriptionId">
          <option value="" selected={selected('subscriptionId', '')}>
            any
          </option>
          {subscriptions.map((subscription) => (
            <option key={subscription.id} value={subscription.id} selected={selected('subscriptionId', subscription.id)}>
              {subscription.url}
            </option>
          ))}
        </select>
      </div>
      <div>
        <button type="submit">Show</button>
      </div>
    </form>
  );
}
