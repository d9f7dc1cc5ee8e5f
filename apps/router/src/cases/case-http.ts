import { randomUUID } from 'node:crypto';
import { ParseUUIDPipe } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseIfMatch, versionEtag } from '#platform';
import { caseNotFound } from './case-not-found.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A case id in the path; anything but a uuid is a case that does not exist. */
export const caseIdPipe = (): ParseUUIDPipe => new ParseUUIDPipe({ exceptionFactory: () => caseNotFound() });

/** The ETag of a case version. */
export const caseEtag = versionEtag;

/**
 * `If-Match` is optional on case writes (see `parseIfMatch`); a writer without it that loses a race to another is
 * decided again on the case as it is then (`CaseCommandService.execute`), one with it gets 409.
 */
export const parseCaseIfMatch = (header: string | string[] | undefined): number | undefined => parseIfMatch(header, 'case');

/** Trace and correlation ids of an HTTP request, for the events it causes. */
export function requestIds(req: FastifyRequest): { traceparent: string | null; correlationId: string } {
  const correlation = req.headers['x-correlation-id'];
  return {
    traceparent: (req as FastifyRequest & { traceparent?: string }).traceparent ?? null,
    correlationId: typeof correlation === 'string' && UUID.test(correlation) ? correlation : randomUUID(),
  };
}

/** Sets the ETag of the answered case version. */
export function setCaseEtag(reply: FastifyReply, version: number): void {
  void reply.header('etag', caseEtag(version));
}
