import type { EventTypeDeclaration } from '../persistence/repositories/event-type.repository';

/**
 * The two example event types a first start declares in the platform's catalog (so every environment, `sandbox`
 * first, has them), so that the README's curls show the catalog at work: publishing `invoice.paid` with
 * `{"invoice": "in_42", "amount": 4200}` passes, and without `amount` gets a 422.
 */
export const SANDBOX_EVENT_TYPES: EventTypeDeclaration[] = [
  {
    name: 'invoice.paid',
    description: 'An invoice was paid in full. `amount` is in the smallest unit of the currency (cents).',
    schema: {
      type: 'object',
      properties: {
        invoice: { type: 'string', pattern: '^in_', description: 'the invoice ID' },
        amount: { type: 'integer', minimum: 0 },
        currency: { type: 'string', pattern: '^[A-Z]{3}$', default: 'EUR' },
      },
      required: ['invoice', 'amount'],
    },
    example: { invoice: 'in_42', amount: 4200, currency: 'EUR' },
  },
  {
    name: 'invoice.voided',
    description: 'An invoice was voided before it was paid; it will not be paid.',
    schema: {
      type: 'object',
      properties: {
        invoice: { type: 'string', pattern: '^in_' },
        reason: { enum: ['duplicate', 'fraudulent', 'other'] },
      },
      required: ['invoice'],
    },
    example: { invoice: 'in_43', reason: 'duplicate' },
  },
];
