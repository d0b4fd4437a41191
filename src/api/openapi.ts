import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiBody,
  ApiExtension,
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  DocumentBuilder,
  getSchemaPath,
  type OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { API_VERSIONS, LATEST_API_VERSION } from './api-version';
import { toOpenApi31 } from './openapi-31';
import { SANE_REQUEST_ID } from './request-id';

/**
 * The OpenAPI document is generated from the controllers and DTOs. A new route takes, besides its Nest decorators:
 * - on its controller, `@ApiTokenRoutes('tag', scope)` or `@AdminRoutes('tag')` from src/auth/routes.ts (its guards and these
 *   docs); a route whose scopes differ from its controller's names them with `@RequiresScope(…)` (src/auth/route-scopes.ts);
 * - `@Answers(status, ResponseDto, 'what it returns')` for its success, and `@ApiErrors(…)` for the errors its service raises;
 * - `@TakesJson(RequestDto)` when it takes a body;
 * - `@ApiProperty` on every field of its DTOs (`nullable: true` for `… | null`).
 * test/e2e/api/openapi.e2e.spec.ts checks that every route served is described, and that real answers match.
 */

export const API_TOKEN = 'apiToken';
export const ADMIN_TOKEN = 'adminToken';

/** One reason data does not match a schema (src/domain/event-schema.ts's SchemaViolation). */
export class SchemaViolationResponse {
  @ApiProperty({ description: 'A JSON pointer into the data; empty for the whole', example: '/amount' })
  instancePath: string;

  @ApiProperty({ description: 'The JSON Schema keyword that failed', example: 'type' })
  keyword: string;

  @ApiProperty({ example: 'must be integer' })
  message: string;
}

/** The body of every error answer (src/api/error.filter.ts). */
export class ErrorResponse {
  @ApiProperty({ description: 'The HTTP status, repeated', example: 404 })
  statusCode: number;

  @ApiProperty({
    description:
      'A stable code: validation, invalid_url, private_target, unsupported_version, unauthorized, forbidden, not_found, conflict, ' +
      'payload_too_large, unsupported_media_type, unprocessable, rate_limited, unavailable, internal',
    example: 'not_found',
  })
  error: string;

  @ApiProperty({ description: 'Why, for a person', example: 'subscription sub_01J… not found' })
  message: string;

  @ApiPropertyOptional({ type: [SchemaViolationResponse], description: 'A 422 for data that does not match a schema: every violation (at most 50)' })
  errors?: SchemaViolationResponse[];
}

const REQUEST_ID: HeadersObject = {
  'X-Request-Id': {
    description: 'The request ID: the X-Request-Id sent (at most 128 of letters, digits and `_ . : / + = @ -`), else a new `req_…`',
    schema: { type: 'string' },
  },
};

/** Headers of every answer of an API-token route. */
const VERSIONED: HeadersObject = {
  ...REQUEST_ID,
  'X-version': { description: 'The API version that answered (on every answer past the authentication)', schema: { type: 'string', enum: [...API_VERSIONS] } },
};

const ERRORS: Record<number, string> = {
  400: 'Invalid input: the message says which part',
  401: 'No valid token: `Authorization: Bearer <token>`',
  403:
    'X-environment names an environment the token may not use (an environment token’s own; a service token’s list), ' +
    'or the token lacks the scope the route requires: the message names it',
  404: 'Not found (or another environment’s)',
  409: 'Conflicts with what is stored: the message says what',
  413: 'The body is larger than 1 MB',
  415: 'A body that is not `Content-Type: application/json` in UTF-8',
  422: 'Well-formed, but refused by a rule: the message says which; for data that does not match a schema, `errors` lists every violation',
  429: 'Too many requests with this token (RATE_LIMIT), or too many failed authentications from this address (AUTH_FAILURE_LIMIT), counted by each API process: ask again after Retry-After seconds',
  500: 'An unexpected failure, logged with the request ID',
  503: 'Temporal could not be reached: nothing was done, ask again',
};

/** What a 429 adds. */
const RETRY_AFTER: HeadersObject = {
  'Retry-After': { description: 'Whole seconds (at least 1) until this token may make a request again', schema: { type: 'integer', minimum: 1 } },
};

/** Error answers, each with the shared ErrorResponse body. */
export const ApiErrors = (...statuses: (keyof typeof ERRORS)[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERRORS[status], type: ErrorResponse, headers: status === 429 ? { ...REQUEST_ID, ...RETRY_AFTER } : REQUEST_ID }),
    ),
  );

/**
 * A success answer: its status, body type (none for 204; `[Dto]` for a list) and what it is. `alternatives` are
 * other media types of the same answer, each a text body, for a client whose Accept asks for one (`text/html`: …).
 */
export const Answers = (
  status: number,
  type: (new () => object) | [new () => object] | null,
  description: string,
  alternatives: Record<string, string> = {},
) => {
  if (!type || Object.keys(alternatives).length === 0) return ApiResponse({ status, description, headers: REQUEST_ID, ...(type ? { type } : {}) });
  const model = Array.isArray(type) ? type[0] : type;
  const json = Array.isArray(type) ? { type: 'array' as const, items: { $ref: getSchemaPath(model) } } : { $ref: getSchemaPath(model) };
  const texts = Object.entries(alternatives).map(([mediaType, what]): [string, { schema: { type: 'string'; description: string } }] => [
    mediaType,
    { schema: { type: 'string', description: what } },
  ]);
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({ status, description, headers: REQUEST_ID, content: { 'application/json': { schema: json }, ...Object.fromEntries(texts) } }),
  );
};

/** A route's JSON body, described by its request DTO; a body route can also get 413 and 415. */
export const TakesJson = (type: new () => object, required = true) => applyDecorators(ApiBody({ type, required }), ApiErrors(413, 415));

const RequestIdHeader = () =>
  ApiHeader({
    name: 'X-Request-Id',
    required: false,
    description: 'Your own ID for the request, echoed in the answer and the logs',
    schema: { type: 'string', pattern: SANE_REQUEST_ID.source },
  });

/** The OpenAPI side of a controller whose routes take an API token, X-environment and X-version (src/auth/routes.ts). */
export const ApiTokenRouteDocs = (tag: string) =>
  applyDecorators(
    ApiTags(tag),
    RequestIdHeader(),
    ApiHeader({
      name: 'X-environment',
      required: true,
      description: 'The environment: an environment token’s own, or one that a service token may use',
      schema: { type: 'string' },
    }),
    ApiHeader({
      name: 'X-version',
      required: false,
      description: `The API version; the latest (${LATEST_API_VERSION}) when left out`,
      schema: { type: 'string', enum: [...API_VERSIONS] },
    }),
    ApiResponse({ status: 400, description: `${ERRORS[400]}; also an unsupported X-version`, type: ErrorResponse, headers: VERSIONED }),
    ApiErrors(401, 403, 429, 500),
  );

/**
 * The scopes an API-token route accepts (src/auth/route-scopes.ts): one security requirement per scope (any one
 * suffices, as OpenAPI reads a list of requirements), and `x-scopes`.
 */
export const ScopeDocs = (scopes: readonly string[]) =>
  applyDecorators(...scopes.map((scope) => ApiSecurity(API_TOKEN, [scope])), ApiExtension('x-scopes', [...scopes]));

/** The OpenAPI side of the platform catalog's writes (src/auth/routes.ts): the admin token, or a token with `catalog`. */
export const CatalogRouteDocs = (tag: string) =>
  applyDecorators(ApiTags(tag), ApiSecurity(ADMIN_TOKEN), ScopeDocs(['catalog']), RequestIdHeader(), ApiErrors(400, 401, 403, 429, 500));

/**
 * The OpenAPI side of an environment's portal links (src/auth/routes.ts): the admin token, or a service token with
 * `portal` that may use the route's environment.
 */
export const PortalLinkRouteDocs = (tag: string) =>
  applyDecorators(ApiTags(tag), ApiSecurity(ADMIN_TOKEN), ScopeDocs(['portal']), RequestIdHeader(), ApiErrors(400, 401, 403, 429, 500));

/** The OpenAPI side of erasing an event's data (src/auth/routes.ts): a token with `publish`, or the admin token. */
export const EraserRouteDocs = (tag: string) => applyDecorators(ApiTokenRouteDocs(tag), ApiSecurity(ADMIN_TOKEN));

/** The OpenAPI side of a controller of the admin API (src/auth/routes.ts). */
export const AdminRouteDocs = (tag: string) => applyDecorators(ApiTags(tag), ApiSecurity(ADMIN_TOKEN), RequestIdHeader(), ApiErrors(400, 401, 429, 500));

/** The document, from the routes of `app` (after its modules are loaded). */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('plude-webhooks')
    .setDescription(
      'Self-hosted webhook delivery: publish events, and every subscribed URL gets a signed HTTPS POST (Standard Webhooks), ' +
        'retried for up to 72 hours. Every answer carries an X-Request-Id; errors have one shape (ErrorResponse).',
    )
    .setVersion(LATEST_API_VERSION)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API token (`pwh_…`), with X-environment naming the environment: an environment’s token (the integrator’s; ' +
          'scopes subscriptions and, if issued so, publish) or a service token (the platform’s; publish, catalog and portal, in ' +
          'the environments it lists). Each route states the scopes it accepts, any one of them, as its security requirements.',
      },
      API_TOKEN,
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN of the deployment' }, ADMIN_TOKEN)
    .build();
  return toOpenApi31(SwaggerModule.createDocument(app, config));
}

/** The document at /openapi.json and a readable reference at /docs (Swagger UI, served from this process). */
export function serveApiDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: '/openapi.json',
    raw: ['json'],
    customSiteTitle: 'plude-webhooks API',
    swaggerOptions: { validatorUrl: 'none' },
  });
}
