// The routes the app really registers, captured while the stack builds it: Fastify publishes every new
// instance on the `fastify.initialization` diagnostics channel before any plugin runs, so an `onRoute`
// hook added there sees every route (ours, the sandbox's, the docs') without a hook in product code. A
// suite then marks what it exercised and fails on any route it did not, so a new route can't slip by.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';

export interface CapturedRoute {
  method: string;
  url: string;
  /** the route's JSON schemas as registered (body, querystring, params, headers) */
  schema?: { body?: unknown; querystring?: unknown; params?: unknown; headers?: unknown; hide?: boolean };
  bodyLimit?: number;
}

/** Runs `build` (which creates exactly one Fastify instance) and returns what it built and the routes registered on it. */
export async function captureRoutes<T>(build: () => Promise<T>): Promise<{ value: T; routes: CapturedRoute[] }> {
  const routes: CapturedRoute[] = [];
  let instances = 0;
  const onInit = (message: unknown) => {
    instances++;
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        routes.push({ method, url: route.url, schema: route.schema as CapturedRoute['schema'], bodyLimit: route.bodyLimit });
      }
    });
  };
  subscribe('fastify.initialization', onInit);
  try {
    const value = await build();
    if (instances !== 1) throw new Error(`expected the stack to build one Fastify instance, saw ${instances}`);
    return { value, routes };
  } finally {
    unsubscribe('fastify.initialization', onInit);
  }
}

export const routeKey = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

/** Which routes a suite exercised; `missing()` lists the registered ones it did not. */
export class RouteCoverage {
  private readonly hit = new Set<string>();
  constructor(readonly routes: CapturedRoute[]) {}

  mark(route: CapturedRoute): void {
    this.hit.add(routeKey(route));
  }

  missing(filter: (r: CapturedRoute) => boolean = () => true): string[] {
    return this.routes
      .filter(filter)
      .map(routeKey)
      .filter((k) => !this.hit.has(k));
  }
}
