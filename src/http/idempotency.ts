import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { DataSource } from "typeorm";

/**
 * Retry-safe POSTs: a client sends `Idempotency-Key: <key>` and may resend the same request with the same key
 * as often as it likes; it runs once and every retry gets the first response back (same status, same body).
 *
 * The state lives in PostgreSQL (table `idempotency_key`), never in this process, so any API process can answer
 * a retry. A request claims its key with one atomic INSERT before it runs; whoever loses the race sees the
 * claim. The response is stored before it is sent, so a client that has the answer can rely on a retry
 * replaying it. If the process dies after the work committed but before the response was stored, the key stays
 * IN_PROGRESS until it expires: retries get 409, and the work is never done twice.
 */

export const DEFAULT_IDEMPOTENCY_TTL_HOURS = 24;

export interface IdempotencyOptions {
  dataSource: DataSource;
  /**
   * The account a request acts for: keys are scoped to it, so two accounts may use the same key. Once requests
   * are authenticated, authentication must run before this middleware (an authentication middleware's result is
   * at hand in `res.locals`).
   */
  accountId: (req: Request, res: Response) => string;
  /** How long a key is remembered. */
  ttlHours?: number;
}

/** 1 to 200 printable ASCII characters. */
const VALID_KEY = /^[\x20-\x7e]{1,200}$/;
/** Expired rows deleted per stored response: enough to keep up, small enough to cost nothing noticeable. */
const PURGE_BATCH = 100;
/** Error codes of answers after which nothing ran, so the key is released rather than remembered. */
const NOTHING_RAN = /"code":"PERSISTED_QUERY_NOT_(FOUND|SUPPORTED)"/;

interface StoredResponse {
  statusCode: number;
  contentType: string | null;
  body: string;
}

type Claim =
  | { kind: "claimed"; claimedAt: string }
  | { kind: "reused" }
  | { kind: "in-progress" }
  | { kind: "completed"; response: StoredResponse };

/** Express middleware for POST /graphql; mount it after the JSON body parser and before Apollo. */
export function idempotency(options: IdempotencyOptions): RequestHandler {
  const { dataSource } = options;
  const ttlHours = options.ttlHours ?? DEFAULT_IDEMPOTENCY_TTL_HOURS;

  return async (req: Request, res: Response, next: NextFunction) => {
    const keys = req.method === "POST" ? req.headersDistinct["idempotency-key"] : undefined;
    if (!keys) return next();
    const key = keys[0];
    if (keys.length !== 1 || !VALID_KEY.test(key)) {
      return sendError(
        res,
        400,
        "BAD_REQUEST",
        "Send one Idempotency-Key header of 1 to 200 printable ASCII characters, such as a UUID.",
      );
    }

    const accountId = options.accountId(req, res);
    const hash = requestHash(req.body);
    let claim: Claim;
    try {
      claim = await claimKey(dataSource, accountId, key, hash, ttlHours);
    } catch (error) {
      console.error("Idempotency-Key: could not claim the key:", error);
      return sendError(
        res,
        503,
        "SERVICE_UNAVAILABLE",
        "The Idempotency-Key could not be recorded, so the request was not run; try again shortly.",
      );
    }

    switch (claim.kind) {
      case "reused":
        return sendError(
          res,
          422,
          "IDEMPOTENCY_KEY_REUSED",
          "This Idempotency-Key was already used with a different request (operation, operationName or variables). " +
            "Use a new key for a new request; a retry must repeat the original request exactly.",
        );
      case "in-progress":
        res.setHeader("Retry-After", "1");
        return sendError(
          res,
          409,
          "IDEMPOTENCY_KEY_IN_PROGRESS",
          "A request with this Idempotency-Key is still running; retry shortly to get its response.",
        );
      case "completed":
        res.status(claim.response.statusCode);
        if (claim.response.contentType) res.setHeader("Content-Type", claim.response.contentType);
        res.setHeader("Idempotent-Replayed", "true");
        res.send(claim.response.body);
        return;
      case "claimed": {
        const { claimedAt } = claim;
        captureResponse(res, (response) => settle(dataSource, accountId, key, claimedAt, response));
        return next();
      }
    }
  };
}

/**
 * A fingerprint of what the request asks: the operation (the SHA-256 of its text, which is also its persisted
 * query hash), the operation name and the variables, with object keys sorted so formatting never matters.
 */
export function requestHash(body: unknown): string {
  let canonical: unknown = body ?? null;
  if (isObject(body)) {
    const persisted = isObject(body.extensions) && isObject(body.extensions.persistedQuery)
      ? body.extensions.persistedQuery.sha256Hash
      : undefined;
    canonical = {
      operation: typeof body.query === "string" ? sha256(body.query) : (persisted ?? null),
      operationName: body.operationName ?? null,
      variables: body.variables ?? {},
    };
  }
  return sha256(canonicalJson(canonical));
}

/**
 * Claims the key for this request in one statement: a new key is inserted, an expired one is taken over, a live
 * one is left alone. If it was left alone, its row says what to answer. Times are the database's, so the API
 * processes' clocks never matter.
 */
async function claimKey(dataSource: DataSource, accountId: string, key: string, hash: string, ttlHours: number): Promise<Claim> {
  // A row can vanish between the two statements (released after a failure, or purged): then claim again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed: { claimed_at: string }[] = await dataSource.query(
      `INSERT INTO idempotency_key (account_id, key, request_hash, status, created_at, expires_at)
       VALUES ($1, $2, $3, 'IN_PROGRESS', now(), now() + $4::float8 * interval '1 hour')
       ON CONFLICT (account_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = 'IN_PROGRESS', response_status_code = NULL,
             response_content_type = NULL, response_body = NULL, created_at = EXCLUDED.created_at,
             expires_at = EXCLUDED.expires_at
         WHERE idempotency_key.expires_at <= now()
       RETURNING created_at::text AS claimed_at`,
      [accountId, key, hash, ttlHours],
    );
    if (claimed.length === 1) return { kind: "claimed", claimedAt: claimed[0].claimed_at };

    const [row]: {
      request_hash: string;
      status: "IN_PROGRESS" | "COMPLETED";
      response_status_code: number | null;
      response_content_type: string | null;
      response_body: string | null;
    }[] = await dataSource.query(
      `SELECT request_hash, status, response_status_code, response_content_type, response_body
       FROM idempotency_key WHERE account_id = $1 AND key = $2 AND expires_at > now()`,
      [accountId, key],
    );
    if (!row) continue;
    if (row.request_hash !== hash) return { kind: "reused" };
    if (row.status === "IN_PROGRESS") return { kind: "in-progress" };
    return {
      kind: "completed",
      response: {
        statusCode: row.response_status_code as number,
        contentType: row.response_content_type,
        body: row.response_body as string,
      },
    };
  }
  return { kind: "in-progress" };
}

/**
 * Records how the claimed request ended. A server failure (HTTP 5xx), or an answer after which nothing ran,
 * releases the key so a retry runs; anything else is stored for replay. `claimedAt` identifies this claim, so a
 * request that outlived its key never touches a later claim of the same key.
 */
async function settle(
  dataSource: DataSource,
  accountId: string,
  key: string,
  claimedAt: string,
  response: StoredResponse,
): Promise<void> {
  const mine = `account_id = $1 AND key = $2 AND created_at = $3::timestamptz AND status = 'IN_PROGRESS'`;
  try {
    if (response.statusCode >= 500 || nothingRan(response.body)) {
      await dataSource.query(`DELETE FROM idempotency_key WHERE ${mine}`, [accountId, key, claimedAt]);
      return;
    }
    await dataSource.query(
      `UPDATE idempotency_key
       SET status = 'COMPLETED', response_status_code = $4, response_content_type = $5, response_body = $6
       WHERE ${mine}`,
      [accountId, key, claimedAt, response.statusCode, response.contentType, response.body],
    );
    // Opportunistic cleanup, no timers: each stored key removes a batch of expired ones, skipping rows another
    // process is already deleting.
    await dataSource.query(
      `DELETE FROM idempotency_key WHERE (account_id, key) IN (
         SELECT account_id, key FROM idempotency_key WHERE expires_at <= now()
         LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED)`,
    );
  } catch (error) {
    // The key stays IN_PROGRESS until it expires: retries are refused with 409, never run twice.
    console.error("Idempotency-Key: could not store the response:", error);
  }
}

/**
 * Wraps res.write and res.end to collect the body; when the handler ends the response, `onEnd` runs first and
 * the response is sent after it, so the stored answer exists before the client has it.
 */
function captureResponse(res: Response, onEnd: (response: StoredResponse) => Promise<void>): void {
  const chunks: Buffer[] = [];
  const collect = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    else chunks.push(Buffer.from(String(chunk), typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"));
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: Response, ...args: unknown[]) {
    collect(args[0], args[1]);
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof res.write;
  res.end = function (this: Response, ...args: unknown[]) {
    res.end = end; // one capture; a second end goes straight through
    collect(args[0], args[1]);
    const contentType = res.getHeader("content-type");
    void onEnd({
      statusCode: res.statusCode,
      contentType: contentType === undefined ? null : String(contentType),
      body: Buffer.concat(chunks).toString("utf8"),
    }).finally(() => (end as (...a: unknown[]) => Response).apply(res, args));
    return res;
  } as typeof res.end;
}

/**
 * Whether the answer says no operation ran: an automatic persisted query the server does not know yet, which
 * the client resends with its text under the same key.
 */
function nothingRan(body: string): boolean {
  if (!NOTHING_RAN.test(body)) return false;
  try {
    const parsed = JSON.parse(body);
    return isObject(parsed) && !("data" in parsed);
  } catch {
    return false;
  }
}

/** An error in the shape of a GraphQL response, as clients already parse it. */
function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** JSON with object keys sorted at every depth; arrays keep their order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
