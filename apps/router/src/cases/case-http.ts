import { randomUUID } from 'node:crypto';
import { ParseUUIDPipe } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '#domain';
import { caseNotFound } from './case-not-found.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STRONG_ETAG = /^"(\d{1,9})"$/;

/** A case id in the path; anything but a uuid is a case that does not exist. */
export const caseIdPipe = (): ParseUUIDPipe => new ParseUUIDPipe({ exceptionFactory: () => caseNotFound() });

/** The ETag of a case version. */
export const caseEtag = (version: number): string => `"${version}"`;

/**
 * `If-Match` is optional on case writes. With it, the write only happens on exactly that version (stale →
 * 409 with `currentVersion`); without it (or with `*`) the write is decided on the current version, and a
 * writer that loses a race to another still gets 409. Anything but one strong ETag we gave out
 * (`"<version>"`) is 400 `VALIDATION.IF_MATCH_INVALID`.
 */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined || value.trim() === '' || value.trim() === '*') return undefined;
  const match = STRONG_ETAG.exec(value.trim());
  if (!match) throw new DomainError('VALIDATION.IF_MATCH_INVALID', 'If-Match must be the ETag of the case as given out: "<version>"');
  return Number(match[1]);
}

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
