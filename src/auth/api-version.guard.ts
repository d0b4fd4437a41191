import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { API_VERSIONS, LATEST_API_VERSION } from '../api/api-version';
import { DomainError } from '../domain/errors';

/** X-version: a supported version, or the latest when absent. The version used is echoed in the response. */
@Injectable()
export class ApiVersionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const requested = http.getRequest<Request>().headers['x-version'];
    const version = requested === undefined || requested === '' ? LATEST_API_VERSION : requested;
    if (!(API_VERSIONS as readonly unknown[]).includes(version)) {
      throw new DomainError('unsupported_version', `X-version ${String(version)} is not supported; supported: ${API_VERSIONS.join(', ')}`);
    }
    http.getResponse<Response>().setHeader('X-version', version);
    return true;
  }
}
