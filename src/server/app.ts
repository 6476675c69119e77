import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError } from 'graphql';
import { authenticate } from '../accounts/accountStore';
import { serviceUnavailable, unauthenticated } from '../common/errors';
import type { Database } from '../db/database';
import { requireReadForEntities } from './authChecker';
import { createMemo, type Context } from './context';
import { graphiqlRoutes } from './graphiql';
import { formatError, jsonLogger, requestIdPlugin, type Logger } from './errors';
import { healthHandler } from './health';
import { bodyErrors, bodyLimits } from './limits/bodyLimits';
import { complexityPlugin } from './limits/complexity';
import { RateLimiter } from './limits/rateLimiter';
import { readLimits, type Limits } from './limits/settings';
import { aliasLimit, depthRule } from './limits/validationRules';
import { buildServedSchema } from '../federation/subgraph';

export interface ServerOptions {
  db: Database;
  port?: number;
  host?: string;
  /** Defaults to readLimits() (environment variables). */
  limits?: Limits;
  /** Masks internal errors; defaults to NODE_ENV=production. */
  production?: boolean;
  logger?: Logger;
  /** Read whole days of figures from the rollups (default); false reads raw rows only. */
  useRollups?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  /** Stops taking requests, lets in-flight ones finish, then closes. */
  stop(): Promise<void>;
}

/** How long authentication may wait for the database before the request fails with SERVICE_UNAVAILABLE. */
const AUTHENTICATION_DEADLINE_MS = 5_000;

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database in ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * The request's caller. `operations` is how many operations the HTTP request holds (a batch
 * spends one rate-limit token for each). Errors raised here carry `requestId`: no plugin sees a
 * request whose context could not be created.
 */
export async function createContext(
  db: Database,
  authorization: string | undefined,
  rateLimiter?: RateLimiter,
  requestId: string = randomUUID(),
  operations = 1,
  useRollups = true,
): Promise<Context> {
  try {
    const token = bearerToken(authorization);
    if (!token) {
      throw unauthenticated('Missing API key. Send it as the header "Authorization: Bearer <api key>".');
    }
    let caller;
    try {
      // Authentication is every request's first statement, so a hung database shows here: give
      // up after the deadline (the pool's client-side query timeout frees the connection later).
      caller = await withDeadline(authenticate(db.prisma, token), AUTHENTICATION_DEADLINE_MS);
    } catch (error) {
      // Prisma's message quotes our source code and the database address: not for API clients.
      throw serviceUnavailable(error as Error);
    }
    if (!caller) throw unauthenticated('Unknown or revoked API key. Create one with `touchpoint keys create`.');
    rateLimiter?.take(caller.keyId, Date.now(), Math.max(1, operations));
    return { caller, db, requestId, now: new Date(), memo: createMemo(), useRollups };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    throw new GraphQLError(error.message, { originalError: error.originalError ?? undefined, extensions: { ...error.extensions, requestId } });
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const limits = options.limits ?? readLimits();
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const rateLimiter = new RateLimiter(limits.ratePerMinute, limits.rateBurst);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const schema = requireReadForEntities(await buildServedSchema());
  const apollo = new ApolloServer<Context>({
    schema,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Inline traces are for Apollo's hosted studio, which Touchpoint does not report to.
      ApolloServerPluginInlineTraceDisabled(),
      complexityPlugin(() => schema, limits.maxCost),
      requestIdPlugin(options.logger ?? jsonLogger),
    ],
    validationRules: [depthRule(limits.maxDepth), aliasLimit(limits.maxAliases)],
    allowBatchedHttpRequests: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(production),
    // The caller owns shutdown (`touchpoint serve` drains, closes the database, then exits 0).
    // Apollo's own SIGINT/SIGTERM handler would stop and re-raise the signal, killing the process
    // before the database is closed (it is off only when NODE_ENV=test, which hid this in tests).
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  app.get('/health', healthHandler(options.db));
  app.use(graphiqlRoutes());
  app.use(
    '/graphql',
    // Every response, including refusals before GraphQL runs, carries its request ID.
    (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.locals.requestId = randomUUID();
      res.setHeader('x-request-id', res.locals.requestId);
      next();
    },
    express.json({
      limit: limits.maxIngestBodyBytes,
      verify: (req, _res, buffer) => {
        (req as { rawBodyBytes?: number }).rawBodyBytes = buffer.length;
      },
    }),
    bodyLimits(limits),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        createContext(options.db, req.headers.authorization, rateLimiter, res.locals.requestId, Array.isArray(req.body) ? req.body.length : 1, options.useRollups ?? true),
    }),
    bodyErrors(limits),
  );

  await new Promise<void>((resolve) => httpServer.listen(options.port ?? 4000, options.host ?? '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    port,
    httpServer,
    stop: () => apollo.stop(),
  };
}
