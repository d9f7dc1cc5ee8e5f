import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Param, Query, type ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import { DomainError } from '#domain';
import { onlyQueryParameters, QueryKeysInterceptor, queryKeysRefusal, routeTakesQuery } from '#platform';

/**
 * A query parameter a route does not know is refused. Routes without `@Query()` ignored every parameter (an audit
 * bundle asked `?as_of=` answered the whole bundle); routes with a query DTO let `?__proto__=x` through, since
 * class-transformer skips that name before the DTO's check of unknown fields. The HTTP walk over every operation is
 * test/conventions/every-operation-refuses-query-parameters-it-does-not-know.spec.ts.
 */

/** Wraps a method as some decorators do: the handler Nest calls then has another name than the method. */
const wrapped = (): MethodDecorator => (_target, _key, descriptor) => {
  const original = descriptor.value as unknown as (...args: unknown[]) => unknown;
  (descriptor as PropertyDescriptor).value = function wrapper(this: unknown, ...args: unknown[]) {
    return original.apply(this, args);
  };
};

@Controller('things')
class ThingsController {
  @Get()
  list(@Query() query: Record<string, unknown>) {
    return query;
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return id;
  }

  @Get(':id/parts')
  @wrapped()
  parts(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return [id, query];
  }
}

@Controller('more-things')
class MoreThingsController extends ThingsController {}

/** A query as Fastify parses it: an object without prototype (so `__proto__` can be an own key). */
function parsedQuery(entries: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, entries);
}

function contextOf(controller: Function, method: string, query: unknown): ExecutionContext {
  return {
    getType: () => 'http',
    getClass: () => controller,
    getHandler: () => (controller.prototype as Record<string, Function>)[method],
    switchToHttp: () => ({ getRequest: () => ({ query }) }),
  } as unknown as ExecutionContext;
}

const interceptor = new QueryKeysInterceptor();

/** What the route answers through the interceptor: `handled` when its handler ran, else the refusal. */
function answer(context: ExecutionContext): Promise<unknown> {
  return lastValueFrom(interceptor.intercept(context, { handle: () => of('handled') })).catch((error: unknown) => error);
}

async function refusal(context: ExecutionContext): Promise<DomainError> {
  const answered = await answer(context);
  if (answered instanceof DomainError) return answered;
  throw new Error(`not refused: ${String(answered)}`);
}

describe('which routes take a query', () => {
  it('is read from the parameter metadata, also through a wrapping decorator and an inherited method', () => {
    const proto = ThingsController.prototype as unknown as Record<string, Function>;
    expect(routeTakesQuery(ThingsController, proto.list!)).toBe(true);
    expect(routeTakesQuery(ThingsController, proto.get!)).toBe(false);
    expect(proto.parts!.name).toBe('wrapper');
    expect(routeTakesQuery(ThingsController, proto.parts!)).toBe(true);
    expect(routeTakesQuery(MoreThingsController, proto.list!)).toBe(true);
    expect(routeTakesQuery(MoreThingsController, proto.get!)).toBe(false);
  });
});

describe('query names a route refuses', () => {
  it('a route without a query refuses every name, naming the names and never a value', () => {
    const error = queryKeysRefusal(['as_of', 'limit'], false)!;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('VALIDATION.FAILED');
    expect(error.message).toBe('This route takes no query parameters');
    expect(error.details).toEqual({
      errors: [
        { path: 'as_of', constraints: ['whitelistValidation'], message: 'query parameter as_of is not known here' },
        { path: 'limit', constraints: ['whitelistValidation'], message: 'query parameter limit is not known here' },
      ],
    });
  });

  it('a route with a query refuses only the reserved names; its own check refuses the others', () => {
    expect(queryKeysRefusal(['limit', 'cursor'], true)).toBeNull();
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const error = queryKeysRefusal(['limit', name], true)!;
      expect(error.code).toBe('VALIDATION.FAILED');
      expect(error.details).toEqual({ errors: [{ path: name, constraints: ['reservedName'], message: `query parameter ${name} is not allowed on any route` }] });
    }
  });

  it('a name is repeated as echoedName allows: a 5,000-character one cut to 64 characters, one that is no identifier not at all', () => {
    const long = 'a'.repeat(5_000);
    const cut = `${'a'.repeat(63)}…`;
    const error = queryKeysRefusal([long, 'J. Jansen 111222333'], false)!;
    expect(error.details).toEqual({
      errors: [
        { path: cut, constraints: ['whitelistValidation'], message: `query parameter ${cut} is not known here` },
        { path: '(a query parameter name that is not an identifier)', constraints: ['whitelistValidation'], message: 'query parameter (a query parameter name that is not an identifier) is not known here' },
      ],
    });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/a{64}|111222333/);
  });

  it('no query at all is never refused', () => {
    expect(queryKeysRefusal([], false)).toBeNull();
    expect(queryKeysRefusal([], true)).toBeNull();
  });
});

describe('the global interceptor', () => {
  it('refuses a parameter on a route without a query before its handler runs, and lets it through without one', async () => {
    expect((await refusal(contextOf(ThingsController, 'get', parsedQuery({ as_of: '2026-01-01' })))).message).toBe('This route takes no query parameters');
    expect(await answer(contextOf(ThingsController, 'get', parsedQuery({})))).toBe('handled');
  });

  it('lets a route with a query have its parameters, and refuses __proto__ as Fastify parses it (an own key)', async () => {
    expect(await answer(contextOf(ThingsController, 'list', parsedQuery({ limit: '5' })))).toBe('handled');
    const query = parsedQuery({ limit: '5' });
    query['__proto__'] = 'x';
    expect(Object.keys(query)).toEqual(['limit', '__proto__']);
    expect((await refusal(contextOf(ThingsController, 'list', query))).details).toEqual({
      errors: [{ path: '__proto__', constraints: ['reservedName'], message: 'query parameter __proto__ is not allowed on any route' }],
    });
  });

  it('leaves contexts other than HTTP alone', async () => {
    const context = { ...contextOf(ThingsController, 'get', { x: '1' }), getType: () => 'rpc' } as unknown as ExecutionContext;
    expect(await answer(context)).toBe('handled');
  });
});

describe('onlyQueryParameters', () => {
  it('refuses a name the route does not read, repeated as echoedName allows (a 5,000-character one cut to 64 characters)', () => {
    const long = 'b'.repeat(5_000);
    let refusal: unknown;
    try {
      onlyQueryParameters({ asOf: '2026-01-01T00:00:00Z', [long]: 'x' }, ['asOf']);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    const cut = `${'b'.repeat(63)}…`;
    expect({ message: (refusal as DomainError).message, details: (refusal as DomainError).details }).toEqual({
      message: `Unknown query parameter(s): ${cut}`,
      details: { errors: [{ path: cut, constraints: ['whitelistValidation'], message: `query parameter ${cut} is not known here` }] },
    });
  });

  it('gives the parameters the route reads', () => {
    expect(onlyQueryParameters({ asOf: '2026-01-01T00:00:00Z' }, ['asOf', 'limit'])).toEqual({ asOf: '2026-01-01T00:00:00Z' });
  });
});
