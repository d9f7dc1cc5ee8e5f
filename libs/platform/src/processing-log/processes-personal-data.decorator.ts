import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { ProcessedSubject } from './processing-log-lines.js';

export const PROCESSES_PERSONAL_DATA = 'signaalroute:processing-log:activity';

/** The request as the subjects function sees it: Fastify's, with params and query. */
export type ProcessingRequest = FastifyRequest & { params: Record<string, string | undefined>; query: Record<string, unknown> };

export interface ProcessesPersonalDataOptions {
  /** Processing activity id, as in the register of processing activities (e.g. `signaalontvangst`). */
  activity: string;
  /** Why the data is processed (recorded on every line). */
  purpose: string;
  /** What the subject ids are (e.g. `signal`, `case`, `stream`). */
  subjectType: string;
  /** Legal basis, when the activity's register entry does not fix one. */
  legalBasis?: string;
  /**
   * The ids of the data subjects this request touched; one log line each. A plain id is of `subjectType`; a
   * `{ type, id }` names another kind it touched too (the person a case is about). `responseBody` is undefined when
   * the handler failed (subjects then come from the request, e.g. the id in the path).
   */
  subjects: (request: ProcessingRequest, responseBody: unknown) => readonly (ProcessedSubject | null | undefined)[];
}

/**
 * Marks a route that reads or writes personal data: the processing-log interceptor writes one line per
 * data subject for every call (no sampling), and the OpenAPI operation carries `x-processing-activity`.
 */
export const ProcessesPersonalData = (options: ProcessesPersonalDataOptions): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(PROCESSES_PERSONAL_DATA, Object.freeze({ ...options })),
    ApiExtension('x-processing-activity', { activity: options.activity, purpose: options.purpose, subjectType: options.subjectType }),
  ) as MethodDecorator & ClassDecorator;

/** The processing declared on a handler (or its controller), if any. */
export function processingOf(handler: Function, controller?: Function): ProcessesPersonalDataOptions | undefined {
  return (Reflect.getMetadata(PROCESSES_PERSONAL_DATA, handler) ?? (controller ? Reflect.getMetadata(PROCESSES_PERSONAL_DATA, controller) : undefined)) as
    | ProcessesPersonalDataOptions
    | undefined;
}
