import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { isDatabaseUnavailable } from "./format-error";
import type { Logger } from "./logger";

/**
 * The deepest nesting of arrays and objects a request body may have. A real GraphQL request needs a handful of
 * levels; thousands would exhaust the stack of whatever walks the variables (coercion, hashing).
 */
export const MAX_BODY_DEPTH = 64;

/** An error in the shape of a GraphQL response, as clients already parse it. */
function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** Whether a parsed JSON value nests deeper than `max`; walked without recursion. */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== "object" || current === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Refuses, as BAD_REQUEST, a JSON body nested deeper than MAX_BODY_DEPTH. Mount after the JSON parser. */
export function bodyDepthLimit(max = MAX_BODY_DEPTH): RequestHandler {
  return (req, res, next) => {
    if (nestsDeeperThan(req.body, max)) {
      sendError(res, 400, "BAD_REQUEST", `The request body nests arrays and objects more than ${max} levels deep.`);
      return;
    }
    next();
  };
}

/**
 * The last error handler: whatever reaches it is answered as JSON in the GraphQL error shape, never with
 * Express's HTML page (which shows the stack). Client errors from the body parser (invalid JSON, a body over
 * the limit, an unsupported encoding or charset) keep their 4xx status with code BAD_REQUEST; an unreachable
 * database is SERVICE_UNAVAILABLE (503); anything else is a bare INTERNAL_SERVER_ERROR, logged.
 */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, statusCode, expose, message, type, limit } = (error ?? {}) as {
      status?: unknown;
      statusCode?: unknown;
      expose?: unknown;
      message?: unknown;
      type?: unknown;
      limit?: unknown;
    };
    const httpStatus = Number(status ?? statusCode);
    if (httpStatus >= 400 && httpStatus < 500) {
      const text =
        type === "entity.too.large"
          ? `The request body is larger than the limit of ${limit} bytes.`
          : expose === true && typeof message === "string"
            ? message
            : "The request could not be read.";
      sendError(res, httpStatus, "BAD_REQUEST", text.endsWith(".") ? text : `${text}.`);
      return;
    }
    if (isDatabaseUnavailable(error)) {
      sendError(res, 503, "SERVICE_UNAVAILABLE", "The database is unavailable; try again shortly. Nothing was written.");
      return;
    }
    logger.error({ err: error }, "unhandled error in an HTTP handler");
    sendError(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
  };
}
