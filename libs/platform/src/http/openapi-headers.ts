import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = { parameters?: Parameter[] };
type Parameter = { in?: string; name?: string; required?: boolean; [field: string]: unknown };

/**
 * The OpenAPI document with each header of an operation documented once. Nest's explorer documents a header a handler
 * reads with `@Headers('last-event-id')` as a parameter of its own, required, under the lower-case name Fastify gives
 * headers, next to the `@ApiHeader` that documents it as optional: HTTP names headers case-insensitively, so they are
 * one parameter. Merged, the documented name and description stay, and the header is required only when every
 * declaration says so (`@Headers()` gives undefined for a header not sent; it requires nothing).
 */
export function withHeadersDocumentedOnce(document: OpenAPIObject): OpenAPIObject {
  const paths = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => [
      path,
      Object.fromEntries(Object.entries(item).map(([method, operation]) => [method, isOperation(operation) ? withHeadersOnce(operation) : operation])),
    ]),
  );
  return { ...document, paths };
}

function isOperation(value: unknown): value is Operation {
  return value !== null && typeof value === 'object' && Array.isArray((value as Operation).parameters);
}

function withHeadersOnce(operation: Operation): Operation {
  const parameters: Parameter[] = [];
  const headers = new Map<string, number>();
  for (const parameter of operation.parameters!) {
    const key = parameter.in === 'header' && typeof parameter.name === 'string' ? parameter.name.toLowerCase() : undefined;
    const seen = key === undefined ? undefined : headers.get(key);
    if (seen === undefined) {
      if (key !== undefined) headers.set(key, parameters.length);
      parameters.push(parameter);
    } else {
      parameters[seen] = mergedHeader(parameters[seen]!, parameter);
    }
  }
  return { ...operation, parameters };
}

/** Two declarations of one header: the name as documented (not the lower-case one Fastify reads), required only if both say so. */
function mergedHeader(a: Parameter, b: Parameter): Parameter {
  const name = a.name === a.name!.toLowerCase() ? b.name : a.name;
  return { ...a, ...b, name, required: a.required === true && b.required === true };
}
