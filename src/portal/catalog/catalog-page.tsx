import type { CatalogEntry } from '../../event-types/event-types.service';
import type { PortalSession } from '../portal-sessions.service';
import { Layout } from '../views/layout';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** An anchor for a type's section: its name is made of letters, digits and . _ : - only. */
const anchorOf = (name: string) => `type-${name}`;

function EventTypeSection({ type }: { type: CatalogEntry }) {
  const anchor = anchorOf(type.name);
  return (
    <section aria-labelledby={anchor} class="event-type">
      <h2 id={anchor}>
        <code>{type.name}</code>
        {type.archived && <span class="badge"> archived</span>}
      </h2>
      {type.archived && <p class="hint">Archived: new events of this type are refused; the type stays listed.</p>}
      <p>{type.description}</p>
      <h3>Example body</h3>
      {type.exampleBody === null ? (
        <p class="hint">No example declared.</p>
      ) : (
        <>
          <p class="hint">As a receiver of this environment gets it (the id and createdAt are the event’s own).</p>
          <pre>
            <code>{pretty(type.exampleBody)}</code>
          </pre>
        </>
      )}
      <h3>
        Schema of <code>data</code>
      </h3>
      {type.schema === null ? (
        <p class="hint">No schema: any JSON object is accepted.</p>
      ) : (
        <pre>
          <code>{pretty(type.schema)}</code>
        </pre>
      )}
    </section>
  );
}

/** The platform's catalog: every event type with its description, its example body as a receiver gets it, and its schema. */
export function CatalogPage({ session, types }: { session: PortalSession; types: CatalogEntry[] }) {
  return (
    <Layout title="Event catalog" session={session} current="catalog">
      <p>
        Each event reaches your URL as a signed POST whose JSON body has the event’s <code>id</code>, <code>type</code>, <code>createdAt</code>,{' '}
        <code>environment</code> and <code>data</code>.
      </p>
      {types.length === 0 ? (
        <p>No event types are declared yet.</p>
      ) : (
        <nav aria-label="Event types">
          <ul>
            {types.map((type) => (
              <li key={type.name}>
                <a href={`#${anchorOf(type.name)}`}>{type.name}</a>
                {type.archived && ' (archived)'}
              </li>
            ))}
          </ul>
        </nav>
      )}
      {types.map((type) => (
        <EventTypeSection key={type.name} type={type} />
      ))}
    </Layout>
  );
}
