import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ApiResponse } from './api-client';

export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: object }> }> }>>;
  components: Record<string, unknown>;
};

/** `METHOD /path/:param` for every route Express serves, from its router's layers. */
export function servedRoutes(app: NestExpressApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
  return express.router.stack.flatMap(({ route }) =>
    route
      ? Object.keys(route.methods)
          .filter((m) => m !== '_all')
          .map((method) => `${method.toUpperCase()} ${route.path}`)
      : [],
  );
}

/** `METHOD /path/:param` for every operation of the document. */
export function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );
}

type Schema = { [key: string]: unknown };

/**
 * The DTO schemas (components) closed: an object schema with `properties` and no word on `additionalProperties`
 * allows no other property, so that a field a DTO answers without its `@ApiProperty` is caught, not let through.
 */
function closed(schema: Schema): Schema {
  const map = (schemas: unknown) => Object.fromEntries(Object.entries(schemas as Record<string, Schema>).map(([key, value]) => [key, closed(value)]));
  const out: Schema = { ...schema };
  if (schema.properties) out.properties = map(schema.properties);
  if (schema.items) out.items = closed(schema.items as Schema);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(schema[key])) out[key] = (schema[key] as Schema[]).map(closed);
  if (schema.properties && !('additionalProperties' in schema)) out.additionalProperties = false;
  return out;
}

/**
 * Checks real answers against the document: each status must be documented, and each body must match its schema,
 * with no property its DTO does not describe.
 */
export class ResponseChecker {
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  private readonly components: Record<string, unknown>;
  /** `METHOD /template status` of every answer checked. */
  readonly seen = new Set<string>();

  constructor(private readonly document: OpenApiDocument) {
    const schemas = document.components.schemas as Record<string, Schema>;
    this.components = { ...document.components, schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, closed(schema)])) };
  }

  /** Throws, saying what differs, unless `response` is one the document describes for `method template`. */
  check(method: string, template: string, response: ApiResponse): void {
    const operation = this.document.paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${template} is not in the document`);
    const described = operation.responses[String(response.status)];
    if (!described) throw new Error(`${method} ${template} answered ${response.status}, which the document does not list: ${JSON.stringify(response.body)}`);
    for (const header of Object.keys(described.headers ?? {})) {
      if (header === 'X-Request-Id' && !response.headers.get(header)) throw new Error(`${method} ${template} ${response.status}: no ${header} header`);
    }
    const type = response.headers.get('content-type')?.split(';')[0].trim() || 'application/json';
    const schema = described.content?.[type]?.schema;
    if (response.body === undefined) {
      if (schema) throw new Error(`${method} ${template} ${response.status}: no body, but the document describes one`);
    } else {
      if (!schema) throw new Error(`${method} ${template} ${response.status}: a body of ${type}, but the document describes none`);
      const validate = this.ajv.compile({ ...schema, components: this.components });
      if (!validate(response.body)) {
        throw new Error(
          `${method} ${template} ${response.status}: the body does not match its schema: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body)}`,
        );
      }
    }
    this.seen.add(`${method.toUpperCase()} ${template} ${response.status}`);
  }
}
