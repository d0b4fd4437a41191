import type { ComponentChildren } from 'preact';
import { CSRF_FIELD } from '../portal-session.guard';
import type { PortalSession } from '../portal-sessions.service';

/** The portal's sections, in the order the navigation shows them. */
export const SECTIONS = [
  { key: 'subscriptions', label: 'Subscriptions', href: '/portal/subscriptions' },
  { key: 'catalog', label: 'Event catalog', href: '/portal/catalog' },
  { key: 'notifications', label: 'Notifications', href: '/portal/notifications' },
] as const;
export type Section = (typeof SECTIONS)[number]['key'];

export interface LayoutProps {
  title: string;
  /** Absent on the pages before sign-in. */
  session?: PortalSession;
  current?: Section;
  /**
   * A page that follows work in progress: the script fetches it again every this many seconds and swaps in its
   * `data-live` regions (by ID), until the page no longer asks; without the script, a link reloads it. Not a meta
   * refresh: a page that reloads itself on a timer takes the reader's place and focus away (WCAG 2.2.1).
   */
  liveSeconds?: number;
  /** A page that only moves on, at once, to this address (a meta refresh of 0 seconds). */
  moveTo?: string;
  children: ComponentChildren;
}

/** The hidden field that proves a form came from this session's pages. */
export const CsrfField = ({ session }: { session: PortalSession }) => <input type="hidden" name={CSRF_FIELD} value={session.csrfToken} />;

/** A button that POSTs to `action` (with the session's CSRF token): every change in the portal is one. */
export function PostButton(props: { session: PortalSession; action: string; label: string; danger?: boolean; fields?: Record<string, string> }) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField session={props.session} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
      <button type="submit" class={props.danger ? 'danger' : undefined}>
        {props.label}
      </button>
    </form>
  );
}

/** What a live page says of itself: the script replaces the reload link with its own pause button. */
function LiveNote() {
  return (
    <p class="hint live-note" id="live-note">
      This page changes as the work goes on: <a href="">reload it</a> to see the latest.
    </p>
  );
}

/**
 * The environment's accent colour, as a style sheet of its own: `/portal/assets/accent-rrggbb.css` sets --accent
 * (the CSP allows no inline style). The colour is in the name, checked there again, so the sheet needs no session
 * nor query, and is the same for everyone who has that colour.
 */
export const accentSheet = (accentColor: string | null) => (accentColor ? `/portal/assets/accent-${accentColor.slice(1)}.css` : null);

/** Every page: a skip link, the environment's header (its branding) and navigation, and the page's main content. */
export function Layout({ title, session, current, liveSeconds, moveTo, children }: LayoutProps) {
  const branding = session?.branding;
  const name = branding?.displayName ?? 'Webhooks';
  const accent = accentSheet(branding?.accentColor ?? null);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        {moveTo !== undefined && <meta http-equiv="refresh" content={`0; url=${moveTo}`} />}
        <title>{`${title} · ${name}`}</title>
        <link rel="stylesheet" href="/portal/assets/portal.css" />
        {accent && <link rel="stylesheet" href={accent} />}
        <script src="/portal/assets/portal.js" defer />
      </head>
      <body data-live-seconds={liveSeconds}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">
            {branding?.logoUrl && <img src={branding.logoUrl} alt={`${name} logo`} />}
            {name}
          </span>
          {session && (
            <nav aria-label="Portal">
              <ul>
                {SECTIONS.map((section) => (
                  <li key={section.key}>
                    <a href={section.href} aria-current={section.key === current ? 'page' : undefined}>
                      {section.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {session && <PostButton session={session} action="/portal/sign-out" label="Sign out" />}
        </header>
        <main id="main" tabIndex={-1}>
          <h1>{title}</h1>
          {liveSeconds !== undefined && <LiveNote />}
          {children}
        </main>
      </body>
    </html>
  );
}
