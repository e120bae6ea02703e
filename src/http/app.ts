import http from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { DataSource } from "typeorm";
import { Context, createContext } from "../graphql/context";
import { getSchema } from "../graphql/schema";
import { CloudProvider, SimulatedCloudProvider } from "../services/cloud-provider";
import { formatError } from "./format-error";

export interface AppOptions {
  dataSource: DataSource;
  production: boolean;
  /** The account requests act as, until authentication exists. */
  accountId: string;
  /** Starts and stops machines; the simulated provider unless told otherwise. */
  provider?: CloudProvider;
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
  const apollo = new ApolloServer<Context>({
    schema: getSchema(),
    introspection: true,
    includeStacktraceInErrorResponses: !options.production,
    formatError: formatError(options.production),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server })],
  });
  await apollo.start();

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
    expressMiddleware(apollo, {
      context: async () => createContext(options.dataSource, options.accountId, provider),
    }),
  );

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
