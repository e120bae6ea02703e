import { RequestHandler } from "express";
import { GraphQLError } from "graphql";
import { DataSource } from "typeorm";
import { authenticate } from "./authenticate";
import { Viewer } from "./viewer";

/** The viewer the authentication middleware found for this request. */
export function viewerOf(res: { locals: Record<string, unknown> }): Viewer {
  const viewer = res.locals.viewer as Viewer | undefined;
  if (!viewer) throw new Error("authentication middleware did not run");
  return viewer;
}

/**
 * Authenticates every request that reaches the GraphQL endpoint, before anything else looks at it (the
 * idempotency keys are per account). A refusal is a GraphQL-shaped body with HTTP 401; an unreachable
 * database is SERVICE_UNAVAILABLE with 503.
 */
export function authenticationMiddleware(dataSource: DataSource): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.viewer = await authenticate(dataSource, req.headers.authorization);
      next();
    } catch (error) {
      if (error instanceof GraphQLError) {
        res.status(401).json({ errors: [{ message: error.message, extensions: { code: "UNAUTHENTICATED" } }] });
        return;
      }
      res.status(503).json({
        errors: [{ message: "The database is unavailable; try again shortly.", extensions: { code: "SERVICE_UNAVAILABLE" } }],
      });
    }
  };
}
