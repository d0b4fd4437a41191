import type { EventTypeView } from './event-type.dto';
import { exampleBody } from './example-body';

/** The page sets its own style and runs no script: the Content-Security-Policy it is served with says so. */
export const CATALOG_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and quoted attribute values. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);

const pretty = (value: unknown) => escapeHtml(JSON.stringify(value, null, 2));

/** The example as a receiver would get it: the whole body. */
function exampleSection(environmentId: string, type: EventTypeView): string {
  const body = exampleBody(environmentId, type);
  return body === null ? '<p class="none">No example declared.</p>' : `<pre>${pretty(body)}</pre>`;
}

function section(environmentId: string, type: EventTypeView): string {
  const schema = type.schema === null ? '<p class="none">No schema: any JSON object is accepted.</p>' : `<pre>${pretty(type.schema)}</pre>`;
  return `<section id="${escapeHtml(type.name)}">
<h2>${escapeHtml(type.name)}${type.archived ? ' <span class="archived">archived</span>' : ''}</h2>
<p>${escapeHtml(type.description)}</p>
<h3>Example body</h3>
${exampleSection(environmentId, type)}
<h3>Schema of <code>data</code></h3>
${schema}
</section>`;
}

/**
 * The platform's catalog as a readable page: every type with its description, an example body and its schema, all
 * escaped. The reader's environment only appears in the example bodies, as receivers of that environment get them.
 */
export function renderCatalogPage(environmentId: string, types: EventTypeView[]): string {
  const index = types.map((t) => `<li><a href="#${escapeHtml(t.name)}">${escapeHtml(t.name)}</a>${t.archived ? ' (archived)' : ''}</li>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Event types</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
pre { background: #f4f4f6; padding: .75rem; overflow-x: auto; font-size: 13px; }
section { border-top: 1px solid #ddd; margin-top: 1.5rem; }
.archived { font-size: .7em; background: #eee; color: #555; padding: .1em .4em; border-radius: .3em; vertical-align: middle; }
.none { color: #666; font-style: italic; }
</style>
</head>
<body>
<h1>Event types</h1>
<p>The platform's catalog: the same event types in every environment. Each event reaches a receiver as a signed POST whose JSON body has the event's <code>id</code>, <code>type</code>,
<code>createdAt</code>, <code>environment</code> and <code>data</code>.</p>
${types.length === 0 ? '<p class="none">No event types declared yet.</p>' : `<ul>\n${index}\n</ul>`}
${types.map((t) => section(environmentId, t)).join('\n')}
</body>
</html>
`;
}
