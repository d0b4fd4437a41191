import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'typeorm';

/** The strings among a query's parameters (text[] parameters hold several). */
const textsOf = (parameter: unknown): string[] =>
  typeof parameter === 'string' ? [parameter] : Array.isArray(parameter) ? parameter.filter((p): p is string => typeof p === 'string') : [];

/**
 * A PostgreSQL message can quote a parameter (`invalid input syntax for type integer: "…"`): each one is replaced
 * by its placeholder, anywhere when it is 4 characters or longer, inside double quotes when shorter.
 */
export function redactParameters(message: string, parameters: unknown[]): string {
  let redacted = message;
  parameters.forEach((parameter, index) => {
    for (const text of textsOf(parameter).filter((t) => t !== '')) {
      const placeholder = `$${index + 1}`;
      redacted = redacted.split(`"${text}"`).join(`"${placeholder}"`);
      if (text.length >= 4) redacted = redacted.split(text).join(placeholder);
    }
  });
  return redacted;
}

const oneLine = (query: string) => query.replace(/\s+/g, ' ').trim();

/**
 * TypeORM's logger: a failed query is logged with its text, SQLSTATE and message, never its parameters, which carry
 * event payloads, signing keys and token hashes. Successful queries are not logged.
 */
export class QueryLogger implements Logger {
  constructor(private readonly logger: Pick<LoggerService, 'error' | 'warn'>) {}

  logQueryError(error: string | Error, query: string, parameters?: unknown[] | object): void {
    const list = Array.isArray(parameters) ? parameters : [];
    const message = redactParameters(typeof error === 'string' ? error : error.message, list);
    const code = (error as { code?: unknown }).code;
    this.logger.error(`query failed${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}: ${message}; query: ${oneLine(query)}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`query took ${time} ms: ${oneLine(query)}`);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }

  logQuery(): void {}

  logSchemaBuild(): void {}

  logMigration(): void {}
}
