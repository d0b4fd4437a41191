import type { Command } from 'commander';
import { segment } from '../client';
import { fields } from '../output';
import { action, type ActionScope, type CliContext } from '../action';

interface PortalLink {
  id: string;
  url: string;
  expiresAt: string;
}

interface AsService {
  withServiceToken?: boolean;
}

const WITH_SERVICE_TOKEN = ['--with-service-token', 'ask with the service token (it must hold the portal scope) instead of the admin token'] as const;

const sessionsOf = (environment: string) => `/admin/environments/${segment(environment)}/portal-sessions`;

/** The admin token, or the service token when asked: the route takes either (src/auth/portal-link.guard.ts). */
const send = <T>({ client, options }: ActionScope<AsService>, method: string, path: string, body?: unknown) =>
  options.withServiceToken ? client.adminAsService<T>(method, path, { body }) : client.admin<T>(method, path, { body });

/** The integrator portal's one-time links and sessions of --environment (/admin/environments/:id/portal-sessions). */
export function registerPortal(program: Command, context: CliContext): void {
  const portal = program
    .command('portal')
    .description("links into an environment's integrator portal, and its sessions (admin token); the environment is --environment / PLUDE_ENVIRONMENT");

  portal
    .command('link')
    .description('make a one-time link into the portal, to hand to the integrator (POST /admin/environments/:id/portal-sessions)')
    .option('--ttl <duration>', 'how long the link may be opened: 1s to 24h, like 15m (default: the service’s, 15m)')
    .option(...WITH_SERVICE_TOKEN)
    .action(
      action<[], AsService & { ttl?: string }>(context, async (scope) => {
        const { out, settings, options } = scope;
        const body = options.ttl === undefined ? {} : { ttl: options.ttl };
        const link = await send<PortalLink>(scope, 'POST', sessionsOf(settings.environment), body);
        out.result(link, () => [
          ...fields([
            ['link', link.url],
            ['session', link.id],
            ['expires', link.expiresAt],
          ]),
          '',
          `The link opens one session, once; until then it is a secret. plude portal revoke ${link.id} ends it.`,
        ]);
      }),
    );

  portal
    .command('revoke [sessionId]')
    .description('end one session (or its unused link), or without an ID every session and unused link (DELETE …/portal-sessions[/:id])')
    .option(...WITH_SERVICE_TOKEN)
    .action(
      action<[string | undefined], AsService>(context, async (scope, sessionId) => {
        const { out, settings } = scope;
        const all = sessionsOf(settings.environment);
        await send(scope, 'DELETE', sessionId === undefined ? all : `${all}/${segment(sessionId)}`);
        out.result({ environment: settings.environment, session: sessionId ?? null, revoked: true }, () =>
          sessionId === undefined ? `every portal session and unused link of environment ${settings.environment} ended` : `portal session ${sessionId} ended`,
        );
      }),
    );
}
