import { ApolloServerPlugin } from "@apollo/server";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { getNamedType, GraphQLError, GraphQLField, validate } from "graphql";
import { ComplexityEstimatorArgs, getComplexity, simpleEstimator } from "graphql-query-complexity";
import { DEFAULT_PAGE_SIZE } from "../graphql/page-args";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 15, maxAliases: 30, maxCost: 100_000 };

function tooComplex(message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX", ...extensions, http: { status: 400 } } });
}

/**
 * The cost of a field: 1, plus its selections; a connection's selections count once per item it may return
 * (`first`, default 50), and so does a list asked by ids. A query's cost is what it could make the server do.
 */
function connectionEstimator({ field, args, childComplexity }: ComplexityEstimatorArgs): number | void {
  const typeName = getNamedType((field as GraphQLField<unknown, unknown>).type).name;
  if (typeName.endsWith("Connection")) {
    const first = typeof args.first === "number" ? args.first : DEFAULT_PAGE_SIZE;
    return 1 + Math.max(first, 0) * childComplexity;
  }
  if (Array.isArray(args.ids)) return 1 + args.ids.length * childComplexity;
  return undefined;
}

/**
 * Refuses, before execution, operations deeper, more aliased or costlier than the limits, naming the limit
 * and what the operation has. Nothing is exempt: introspection counts like any field (its depth fits the
 * limit), and neither a field, alias, fragment nor operation name changes how a selection is counted.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const found: GraphQLError[] = [];
          const collect = [(_: unknown, error: GraphQLError) => void found.push(error)];
          validate(schema, document, [
            maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: false, flattenFragments: true, propagateOnRejection: false, onReject: collect }),
            maxAliasesRule({ n: limits.maxAliases, allowList: [], propagateOnRejection: false, onReject: collect }),
          ]);
          if (found.length > 0) {
            const message = found[0].message.replace(/^Syntax Error: /, "");
            const [, limit, actual] = /(\d+) exceeded, found (\d+)/.exec(message) ?? [];
            throw tooComplex(`${message} Ask for less in one operation.`, {
              limit: Number(limit),
              actual: Number(actual),
              limitName: /depth/i.test(message) ? "maxDepth" : "maxAliases",
            });
          }
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [connectionEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // Variables that do not fit the operation: execution refuses them (BAD_USER_INPUT, HTTP 400) before
            // anything runs. Thrown from here, they would come out as INTERNAL_SERVER_ERROR with HTTP 500.
            if (error instanceof GraphQLError) return;
            throw error;
          }
          if (cost > limits.maxCost) {
            throw tooComplex(
              `Query cost ${cost} exceeds the limit of ${limits.maxCost}. Ask for smaller pages (first) or fewer fields.`,
              { limit: limits.maxCost, actual: cost, limitName: "maxCost" },
            );
          }
        },
      };
    },
  };
}
