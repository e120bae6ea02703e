import http from "node:http";
import { ApolloServer, ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { DataSource } from "typeorm";
import { Context, createContext } from "../graphql/context";
import { getSchema } from "../graphql/schema";
import { CloudProvider, SimulatedCloudProvider } from "../services/cloud-provider";
import { formatError } from "./format-error";
import { createLogger, Logger } from "./logger";
import { requestTracking } from "./logging";
import { createMetrics } from "./metrics";
import { playground, playgroundAssets, PLAYGROUND_ASSETS_PATH } from "./playground";
import { idempotency } from "./idempotency";
import { authorizationPlugin } from "../auth/authorize";
import { authenticationMiddleware, viewerOf } from "../auth/http";
import { DEFAULT_QUERY_LIMITS, QueryLimits, queryLimitsPlugin } from "./query-limits";
import { serviceUnavailableStatus } from "./format-error";
import { bodyDepthLimit, jsonErrorHandler } from "./request-errors";

export interface AppOptions {
  dataSource: DataSource;
  production: boolean;
  /** Depth, alias and cost limits checked before execution. */
  queryLimits?: QueryLimits;
  /** Whether the schema can be introspected; on unless production, where it is off unless set. */
  introspection?: boolean;
  /** Starts and stops machines; the simulated provider unless told otherwise. */
  provider?: CloudProvider;
  /** Where request logs go; a logger at LOG_LEVEL (default "info") unless told otherwise. */
  logger?: Logger;
  /** How long Idempotency-Keys are remembered; 24 hours unless told otherwise. */
  idempotencyTtlHours?: number;
}

export interface App {
  server: http.Server;
  apollo: ApolloServer<Context>;
  listen(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

/** The HTTP server: GraphQL at /graphql (the playground on GET from a browser), health probes beside it. */
export async function createApp(options: AppOptions): Promise<App> {
  const provider = options.provider ?? new SimulatedCloudProvider();
  const app = express();
  const server = http.createServer(app);
  const logger = options.logger ?? createLogger();
  const metrics = createMetrics(options.dataSource);
  const tracking = requestTracking(logger, (record) => metrics.observe(record));
  const apollo = new ApolloServer<Context>({
    schema: getSchema(),
    introspection: options.introspection ?? !options.production,
    includeStacktraceInErrorResponses: !options.production,
    formatError: formatError(options.production),
    // main.ts owns SIGTERM/SIGINT: stop(), then close the database. Apollo's own handlers would stop it in
    // parallel and re-raise the signal, and the process would end before the database is closed.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      // Apollo's own landing page loads from a CDN; ours (GET /graphql below) is served from node_modules.
      ApolloServerPluginLandingPageDisabled(),
      // We set no cache hints; Apollo's cache-control plugin would wrap every field resolver for nothing
      // (about a sixth of the CPU of a page of servers in the benchmark).
      ApolloServerPluginCacheControlDisabled(),
      tracking.plugin,
      authorizationPlugin(),
      queryLimitsPlugin(options.queryLimits ?? DEFAULT_QUERY_LIMITS),
      serviceUnavailableStatus(),
      releaseAfterResponse(),
    ],
  });
  await apollo.start();

  app.use(tracking.middleware);
  app.get("/metrics", metrics.handler);
  app.use(PLAYGROUND_ASSETS_PATH, playgroundAssets());
  app.get("/graphql", playground());
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    try {
      await options.dataSource.query("SELECT 1");
      res.json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "database unavailable" });
    }
  });
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    bodyDepthLimit(),
    authenticationMiddleware(options.dataSource),
    idempotency({
      dataSource: options.dataSource,
      accountId: (_req, res) => viewerOf(res).accountId,
      ttlHours: options.idempotencyTtlHours,
    }),
    expressMiddleware(apollo, {
      context: async ({ res }) => createContext(options.dataSource, viewerOf(res), provider),
    }),
  );
  // Last: errors no handler answered (an unreadable body, mostly) as JSON, never Express's HTML with a stack.
  app.use(jsonErrorHandler(logger));

  return {
    server,
    apollo,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      }),
    stop: () => apollo.stop(),
  };
}

/** Runs what a request asked to run once its response is out, such as releasing a primary connection. */
function releaseAfterResponse(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          await Promise.all(contextValue.afterResponse.map((release) => release()));
        },
      };
    },
  };
}
