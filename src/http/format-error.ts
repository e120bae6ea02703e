import { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";

/** Codes of errors a client caused or can act on; anything else is ours and is never detailed to clients. */
const CLIENT_CODES = new Set([
  "BAD_USER_INPUT",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "QUERY_TOO_COMPLEX",
  "SERVICE_UNAVAILABLE",
  "IDEMPOTENCY_KEY_REUSED",
]);

const UNAVAILABLE = /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|Client has encountered a connection error/i;

/**
 * What a client sees of an error: its code and message when the client can act on it; a database outage as
 * SERVICE_UNAVAILABLE; every other failure as a bare INTERNAL_SERVER_ERROR, without SQL or stack in production.
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? "INTERNAL_SERVER_ERROR");
    if (CLIENT_CODES.has(code)) return formatted;
    const cause = unwrapResolverError(error);
    const detail = cause instanceof Error ? `${cause.message} ${(cause as { code?: string }).code ?? ""}` : "";
    if (UNAVAILABLE.test(detail)) {
      return {
        message: "The database is unavailable; try again shortly. Nothing was written.",
        path: formatted.path,
        extensions: { code: "SERVICE_UNAVAILABLE" },
      };
    }
    if (!production) return formatted;
    return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
