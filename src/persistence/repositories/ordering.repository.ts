import type { DataSource } from 'typeorm';
import type { OrderingStore } from '../../domain/ordering';

/** The worker's side of ordered delivery (issue 22): which notification of a key goes next. */
export class OrderingRepository implements OrderingStore {
  constructor(private readonly db: DataSource) {}

  /**
   * After an ordered notification ended: its key's head now, the pending notification of the same subscription and key
   * with the earliest place (whose turn it may be), or null when none is pending or the subscription was deleted.
   */
  async headOfKeyOf(notificationId: string): Promise<string | null> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT p.id FROM notifications n
       JOIN subscriptions s ON s.id = n.subscription_id AND s.deleted_at IS NULL
       JOIN notifications p ON p.subscription_id = n.subscription_id AND p.ordering_key = n.ordering_key AND p.status = 'pending'
       WHERE n.id = $1 AND n.ordering_key IS NOT NULL AND p.id <> n.id
       ORDER BY p.ordering_seq LIMIT 1`,
      [notificationId],
    );
    return rows[0]?.id ?? null;
  }
}
