import { GraphQLScalarType } from "graphql";
import { ClassType, Field, ObjectType, registerEnumType } from "type-graphql";
import { inTransaction, Work } from "../services/unit-of-work";
import { UserErrorCode } from "../services/user-error";
import { Context } from "./context";
import { Db } from "./lists";
import { Loaders } from "./loaders";
import { createResolutionLoader } from "./resolution-loader";

registerEnumType(UserErrorCode, {
  name: "UserErrorCode",
  description: "Why a mutation was refused. Each code is described in the README.",
  valuesConfig: {
    NOT_FOUND: { description: "An id names nothing you can see (absent, or another account's)." },
    INVALID_INPUT: { description: "A value is malformed or out of range; the message says which and why." },
    NAME_TAKEN: { description: "The name (or image resource id) is already used where it must be unique." },
    CLOUD_NOT_SUPPORTED: { description: "The effective MultiCloud Image has no setting for the cloud." },
    WRONG_CLOUD: { description: "The image or instance type belongs to another cloud." },
    ARCHITECTURE_MISMATCH: { description: "The instance type cannot run the image's CPU architecture." },
    NO_MULTI_CLOUD_IMAGE: { description: "The ServerTemplate has no MultiCloud Image to launch with." },
    NOT_LAUNCHABLE: { description: "The next launch has blocking problems; the message lists them." },
    ALREADY_RUNNING: { description: "The server already has a current instance." },
    NOT_RUNNING: { description: "There is no running instance to act on." },
    STILL_RUNNING: { description: "Something still runs (a server, an array's instances); terminate it first." },
    INSTANCE_IMMUTABLE: {
      description: "A launched instance's image, MCI and instance type never change: change the next settings and relaunch.",
    },
    ARRAY_DISABLED: { description: "The server array is disabled and launches nothing." },
    MAX_INSTANCES_REACHED: { description: "The server array would exceed its maximum count." },
    DEFAULT_REQUIRED: { description: "A template with MCIs keeps exactly one default: make another MCI default first." },
    IN_USE: { description: "Still used by other objects, which the message names." },
    STALE_VERSION: { description: "The object changed since you read it (expectedVersion differs): read again, retry." },
  },
});

@ObjectType({ description: "Why a mutation was refused. A refused mutation writes nothing." })
export class UserError {
  @Field(() => UserErrorCode, { description: "Machine-readable reason." })
  code: UserErrorCode;

  @Field(() => [String], { description: 'Path of the input field at fault, such as ["input", "imageId"]; empty if none.' })
  field: string[];

  @Field(() => String, { description: "The reason in words, with what to do about it." })
  message: string;
}

/**
 * The payload type of a mutation: the objects it changed (null when refused) and its userErrors.
 */
export function payloadType(name: string, fields: Record<string, { type: () => ClassType | GraphQLScalarType; description: string }>) {
  @ObjectType(name, { description: `The outcome of ${name.replace(/Payload$/, "").replace(/^./, (c) => c.toLowerCase())}.` })
  class Payload {
    @Field(() => [UserError], { description: "Why the mutation was refused; empty when it succeeded." })
    userErrors: UserError[];
  }
  for (const [field, { type, description }] of Object.entries(fields)) {
    Field(type, { nullable: true, description })(Payload.prototype, field);
  }
  return Payload as ClassType<{ userErrors: UserError[] } & Record<string, unknown>>;
}

/** Runs a use case in one transaction and shapes the result as a payload. */
export async function runMutation<T extends object>(
  ctx: Context,
  useCase: (work: Work) => Promise<T>,
): Promise<Partial<T> & { userErrors: UserError[] }> {
  const outcome = await inTransaction(ctx.dataSource, ctx.viewer, ctx.provider, useCase);
  // The payload's nested fields must show the data as this mutation left it, not as the request's loaders
  // cached it before (a document may hold several mutations): start the request's caches afresh. With read
  // replicas they read from the primary, since a replica may not have the write yet.
  ctx.loaders = new Loaders(primaryReads(ctx), ctx.accountId);
  ctx.resolutions = createResolutionLoader(ctx.loaders);
  return outcome.ok ? { ...outcome.value, userErrors: [] } : ({ userErrors: outcome.errors } as Partial<T> & { userErrors: UserError[] });
}

/** Where a payload reads: the data source, or with replicas a primary connection held until the response is sent. */
function primaryReads(ctx: Context): Db {
  if (!ctx.dataSource.driver.isReplicated) return ctx.dataSource;
  const primary = ctx.dataSource.createQueryRunner("master");
  ctx.afterResponse.push(() => primary.release());
  return primary.manager;
}
