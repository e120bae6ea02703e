import { randomUUID } from "node:crypto";
import { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { NextFunction, Request, Response } from "express";
import { DocumentNode, Kind } from "graphql";
import { Logger } from "./logger";

export const REQUEST_ID_HEADER = "x-request-id";

/** Ties Apollo's view of a request to Express's: set by the middleware, overwriting anything a client sends. */
const TRACKING_HEADER = "x-internal-request-key";

/** An incoming X-Request-Id is kept only when it is short and plain, so it cannot forge or flood log lines. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What is known of one finished GraphQL request: one log line, and what the metrics count. */
export interface RequestRecord {
  requestId: string;
  method: string;
  /** As the client sent it, or as Apollo resolved it from the document; null for an anonymous operation. */
  operationName: string | null;
  /** query, mutation or subscription; null when the request never reached execution. */
  operationType: string | null;
  status: number;
  durationMs: number;
  /** The `extensions.code` of every error the client was sent, repeated codes included. */
  errorCodes: string[];
  /** Server faults only (INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE): the unformatted messages clients never see. */
  errors?: { message: string; path?: readonly (string | number)[] }[];
}

/** The `extensions.code` of each error, INTERNAL_SERVER_ERROR when it has none. */
export function errorCodes(errors: unknown): string[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((error) => String((error as { extensions?: { code?: unknown } })?.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
}

/** The name of a document's only operation, for documents Apollo did not get to resolve (invalid ones). */
function onlyOperationName(document: DocumentNode | undefined): string | null {
  const operations = document?.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION) ?? [];
  return operations.length === 1 ? (operations[0].name?.value ?? null) : null;
}

/** How loud a request's line is: a bug is an error, a database outage a warning, anything a client caused info. */
function levelOf(codes: string[]): "error" | "warn" | "info" {
  if (codes.includes("INTERNAL_SERVER_ERROR")) return "error";
  return codes.includes("SERVICE_UNAVAILABLE") ? "warn" : "info";
}

export interface RequestTracking {
  /**
   * Express middleware for every request: gives it an id (the caller's X-Request-Id when acceptable, else a new
   * UUID), echoed in the X-Request-Id response header; and for GraphQL requests, when the response is done,
   * writes one log line and hands the record to `onFinished`. Requests refused before Apollo (authentication,
   * a malformed body) are logged too, with the codes of the JSON errors they were sent.
   */
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  /** The Apollo plugin that adds what only Apollo knows: the operation, and the errors as the client got them. */
  plugin: ApolloServerPlugin<BaseContext>;
}

/** Marks a response as not a GraphQL request (the IDE's page): it is neither logged nor counted. */
export function untracked(res: Response): void {
  res.locals.untracked = true;
}

/**
 * Structured request logs: one JSON line per GraphQL request (path /graphql), with request id, operation
 * name and type, HTTP status, duration and error codes.
 */
export function requestTracking(logger: Logger, onFinished: (record: RequestRecord) => void = () => {}): RequestTracking {
  /** Records of requests in flight, by tracking key; each is removed when its response closes. */
  const inFlight = new Map<string, RequestRecord>();

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof incoming === "string" && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader("X-Request-Id", requestId);
    if (req.path !== "/graphql" && req.path !== "/graphql/") return next();

    const key = randomUUID();
    req.headers[TRACKING_HEADER] = key;
    const started = process.hrtime.bigint();
    const record: RequestRecord = {
      requestId,
      method: req.method,
      operationName: null,
      operationType: null,
      status: 0,
      durationMs: 0,
      errorCodes: [],
    };
    inFlight.set(key, record);

    // Middleware before Apollo (authentication, idempotency) answers refusals with res.json({ errors }).
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const errors = (body as { errors?: unknown } | null)?.errors;
      if (errors !== undefined) record.errorCodes = errorCodes(errors);
      return json(body);
    };

    res.once("close", () => {
      inFlight.delete(key);
      if (res.locals.untracked) return;
      if (record.operationName === null && typeof req.body?.operationName === "string") {
        record.operationName = req.body.operationName;
      }
      record.status = res.statusCode;
      record.durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger[levelOf(record.errorCodes)](record, "graphql request");
      onFinished(record);
    });
    next();
  };

  const plugin: ApolloServerPlugin<BaseContext> = {
    async requestDidStart({ request }) {
      const record = inFlight.get(request.http?.headers.get(TRACKING_HEADER) ?? "");
      if (!record) return;
      return {
        async willSendResponse({ response, operationName, operation, errors, document }) {
          record.operationName = operationName ?? request.operationName ?? onlyOperationName(document);
          record.operationType = operation?.operation ?? null;
          const sent = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          record.errorCodes = errorCodes(sent);
          if (levelOf(record.errorCodes) !== "info") {
            record.errors = (errors ?? []).map((error) => ({
              message: error.originalError?.message ?? error.message,
              path: error.path,
            }));
          }
        },
      };
    },
  };

  return { middleware, plugin };
}
