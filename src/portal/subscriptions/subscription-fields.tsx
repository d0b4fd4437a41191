import type { FieldErrors } from '../form-input';
import type { SubscriptionFormValues } from './subscription-form';

/** A field's error, beside it (its id is what the field's aria-describedby names). */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message === undefined ? null : (
    <p id={id} class="error">
      {message}
    </p>
  );
}

/** The form's own error (one that is no single field's), at its top. */
export const FormError = ({ errors }: { errors: FieldErrors }) =>
  errors[''] === undefined ? null : (
    <p class="error" role="alert">
      {errors['']}
    </p>
  );

const described = (id: string, errors: FieldErrors) => ({
  'aria-invalid': errors[id] === undefined ? undefined : ('true' as const),
  'aria-describedby': errors[id] === undefined ? `${id}-hint` : `${id}-hint ${id}-error`,
});

/**
 * The subscription's settings, as create and edit ask them: the URL, its event types (ticked from the catalog, or
 * typed), its rate, its attempts in flight and its ordering. Every value is the one the reader gave.
 */
export function SubscriptionFields({ values, errors, catalogTypes }: { values: SubscriptionFormValues; errors: FieldErrors; catalogTypes: string[] }) {
  return (
    <>
      <FormError errors={errors} />
      <div>
        <label for="url">URL</label>
        <input type="url" id="url" name="url" value={values.url} required maxLength={2048} {...described('url', errors)} />
        <p id="url-hint" class="hint">
          An https: URL of a public host, where each notification is POSTed, signed.
        </p>
        <FieldError id="url-error" message={errors.url} />
      </div>
      <fieldset aria-describedby={errors.eventTypes === undefined ? 'eventTypes-hint' : 'eventTypes-hint eventTypes-error'}>
        <legend>Event types</legend>
        <p id="eventTypes-hint" class="hint">
          None chosen: every type. The catalog’s types:
        </p>
        {catalogTypes.length === 0 ? (
          <p class="hint">The catalog declares no types yet.</p>
        ) : (
          <ul class="checks">
            {catalogTypes.map((type) => (
              <li key={type}>
                <label class="check">
                  <input type="checkbox" name="eventTypes" value={type} checked={values.eventTypes.includes(type)} /> {type}
                </label>
              </li>
            ))}
          </ul>
        )}
        <label for="otherEventTypes">Other types or prefixes</label>
        <input type="text" id="otherEventTypes" name="otherEventTypes" value={values.otherEventTypes} aria-describedby="otherEventTypes-hint" />
        <p id="otherEventTypes-hint" class="hint">
          Separated by commas; a prefix ends in .* (invoice.* is every invoice type).
        </p>
        <FieldError id="eventTypes-error" message={errors.eventTypes} />
      </fieldset>
      <div>
        <label for="rateLimit">Rate limit (deliveries a second)</label>
        <input type="text" inputMode="decimal" id="rateLimit" name="rateLimit" value={values.rateLimit} {...described('rateLimit', errors)} />
        <p id="rateLimit-hint" class="hint">
          Empty: the platform’s default; 0: no limit.
        </p>
        <FieldError id="rateLimit-error" message={errors.rateLimit} />
      </div>
      <div>
        <label for="maxInFlight">Attempts in flight at once</label>
        <input type="text" inputMode="numeric" id="maxInFlight" name="maxInFlight" value={values.maxInFlight} {...described('maxInFlight', errors)} />
        <p id="maxInFlight-hint" class="hint">
          Empty: the platform’s default; 0: no cap.
        </p>
        <FieldError id="maxInFlight-error" message={errors.maxInFlight} />
      </div>
      <div>
        <label for="ordering">Ordering</label>
        <select id="ordering" name="ordering" {...described('ordering', errors)}>
          <option value="none" selected={values.ordering === 'none'}>
            none: no order
          </option>
          <option value="key" selected={values.ordering === 'key'}>
            key: one after the other for each orderingKey
          </option>
        </select>
        <p id="ordering-hint" class="hint">
          With key, the notifications of events with the same orderingKey are delivered one after the other.
        </p>
        <FieldError id="ordering-error" message={errors.ordering} />
      </div>
    </>
  );
}
