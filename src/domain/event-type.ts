/** Event types look like `invoice.paid`: letters, digits and . _ : - , at most 128 characters. */
export const EVENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const EVENT_TYPE_MESSAGE = 'event types are 1-128 characters of letters, digits and . _ : - (e.g. invoice.paid)';
