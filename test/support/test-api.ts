import { DataSource } from "typeorm";
import { ALL_ROLES, Role } from "../../src/auth/roles";
import { DEMO_ACCOUNT_ID, DEMO_ACCOUNT_NAME } from "../../src/db/demo-account";
import { bootstrapToken } from "../../src/services/api-tokens";
import { seedDemoData } from "../../src/db/seed";
import { App, createApp } from "../../src/http/app";
import { QueryCounter } from "../../src/db/query-counter";
import { createTestDatabase, TestDatabase } from "./test-database";

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/** The API over real HTTP on a random port, on a throwaway database. */
export interface TestApi {
  url: string;
  dataSource: DataSource;
  queries: QueryCounter;
  database: TestDatabase;
  /** A token of the demo account with every role; graphql() and data() send it unless told otherwise. */
  token: string;
  /** A new token for a user with these roles in an account (created if needed). */
  tokenFor(options: { roles: Role[]; account?: string; user?: string }): Promise<string>;
  /** Posts one GraphQL operation and returns the parsed body. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Like graphql, but fails the test on any error and returns `data`. */
  data<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T>;
  close(): Promise<void>;
}

export async function startTestApi(options: { seed?: boolean; production?: boolean } = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  if (options.seed ?? true) await seedDemoData(database.dataSource);
  const tokenFor = async ({ roles, account = DEMO_ACCOUNT_NAME, user }: { roles: Role[]; account?: string; user?: string }) =>
    (
      await database.dataSource.transaction((manager) =>
        bootstrapToken(manager, {
          accountName: account,
          accountId: account === DEMO_ACCOUNT_NAME ? DEMO_ACCOUNT_ID : undefined,
          userName: user ?? `${account}-${roles.join("-").toLowerCase() || "none"}`,
          roles,
        }),
      )
    ).token;
  const token = await tokenFor({ roles: ALL_ROLES, user: "test-admin" });
  const app: App = await createApp({
    dataSource: database.dataSource,
    production: options.production ?? false,
  });
  const port = await app.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}/graphql`;
  const graphql = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  };
  return {
    url,
    dataSource: database.dataSource,
    queries: database.queries,
    database,
    token,
    tokenFor,
    graphql,
    async data(query, variables, headers) {
      const body = await graphql(query, variables, headers);
      if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors, null, 2)}`);
      return body.data;
    },
    async close() {
      await app.stop();
      await database.destroy();
    },
  };
}
