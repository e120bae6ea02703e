import { ApolloServerPlugin } from "@apollo/server";
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

/** Messages of a database that is gone, going, refusing connections, or a connection that died under a query. */
const UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error|is not currently accepting connections|Query runner already released|query runner was already released|sorry, too many clients/i;

/**
 * SQLSTATEs of the same (08: connection exceptions; 57P01-57P03: admin or crash shutdown, cannot connect now;
 * 53300: too many connections) and Node's socket error codes.
 */
const UNAVAILABLE_CODES = /^(08[0-9A-Z]{3}|57P0[1-3]|53300|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/;

/** Text that PostgreSQL cannot store (the NUL character): the client's input is at fault, not the server. */
const UNSTORABLE_TEXT = /^(22021|22P05)$/;

/**
 * The error and what it wraps (TypeORM's QueryFailedError keeps the driver's error in `driverError`; others
 * use `cause`), a few levels deep.
 */
function* causes(error: unknown): Generator<{ message?: unknown; code?: unknown }> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    yield current as { message?: unknown; code?: unknown };
    const { driverError, cause } = current as { driverError?: unknown; cause?: unknown };
    current = driverError ?? cause;
  }
}

/** Whether an error says the database cannot be reached (as opposed to a bug, or a refused statement). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const { message, code } of causes(error)) {
    if (typeof code === "string" && UNAVAILABLE_CODES.test(code)) return true;
    if (typeof message === "string" && UNAVAILABLE.test(message)) return true;
  }
  return false;
}

function isUnstorableText(error: unknown): boolean {
  for (const { code } of causes(error)) if (typeof code === "string" && UNSTORABLE_TEXT.test(code)) return true;
  return false;
}

/**
 * What a client sees of an error: its code and message when the client can act on it; a database outage as
 * SERVICE_UNAVAILABLE; every other failure as a bare INTERNAL_SERVER_ERROR, without SQL or stack in production.
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? "INTERNAL_SERVER_ERROR");
    if (CLIENT_CODES.has(code)) return formatted;
    // Apollo refuses some malformed requests with HTTP 400 but no code (a persisted query whose hash does not
    // match its text): the client's doing, so BAD_REQUEST rather than INTERNAL_SERVER_ERROR.
    const httpStatus = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
    if (typeof httpStatus === "number" && httpStatus >= 400 && httpStatus < 500) {
      return { ...formatted, extensions: { ...formatted.extensions, code: "BAD_REQUEST" } };
    }
    const cause = unwrapResolverError(error);
    if (isDatabaseUnavailable(cause)) {
      return {
        message: "The database is unavailable; try again shortly. Nothing was written.",
        path: formatted.path,
        extensions: { code: "SERVICE_UNAVAILABLE" },
      };
    }
    if (isUnstorableText(cause)) {
      return {
        message: "A text argument contains the NUL character (\\u0000), which cannot be stored or searched for.",
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: "BAD_USER_INPUT" },
      };
    }
    if (!production) return formatted;
    return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}

/**
 * A response whose errors include SERVICE_UNAVAILABLE goes out as HTTP 503, so load balancers, retrying
 * clients and the idempotency keys (which forget 5xx answers) all see an outage as one.
 */
export function serviceUnavailableStatus(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const errors = response.body.singleResult.errors ?? [];
          if (errors.some((error) => error.extensions?.code === "SERVICE_UNAVAILABLE")) response.http.status = 503;
        },
      };
    },
  };
}
