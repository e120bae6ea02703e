import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Role } from "../../auth/roles";
import { Account, ApiToken, User } from "../../entities";
import { createApiToken, createUser, revokeApiToken } from "../../services/api-tokens";
import { Context } from "../context";
import { payloadType, runMutation } from "../mutation";

@ObjectType("Viewer", { description: "Who is asking: the user behind the API token, in one account." })
class ViewerType {
  @Field(() => User, { description: "The user the token belongs to." })
  user: User;

  @Field(() => String, { description: "The account's name; everything you see belongs to it, or is shared." })
  accountName: string;

  @Field(() => [Role], { description: "What you may do." })
  roles: Role[];
}

@InputType({ description: "A new user of your account." })
class CreateUserInput {
  @Field(() => String, { description: "Name, unique within the account." })
  name: string;

  @Field(() => [Role], { description: "The user's roles; at least one." })
  roles: Role[];
}

@InputType({ description: "A new API token for a user of your account." })
class CreateApiTokenInput {
  @Field(() => ID, { description: "The user the token acts as." })
  userId: string;

  @Field(() => String, { description: "What the token is for, such as 'CI pipeline'." })
  name: string;

  @Field(() => Date, { nullable: true, description: "When the token stops working; omit for never." })
  expiresAt?: Date | null;
}

@InputType({ description: "A token to revoke." })
class RevokeApiTokenInput {
  @Field(() => ID, { description: "The token's id (not its secret)." })
  apiTokenId: string;
}

const CreateUserPayload = payloadType("CreateUserPayload", { user: { type: () => User, description: "The new user." } });
const CreateApiTokenPayload = payloadType("CreateApiTokenPayload", {
  apiToken: { type: () => ApiToken, description: "The new token's record." },
  token: { type: () => String, description: "The secret: send it as 'Authorization: Bearer <token>'. Shown this once." },
});
const RevokeApiTokenPayload = payloadType("RevokeApiTokenPayload", {
  apiToken: { type: () => ApiToken, description: "The revoked token's record." },
});

@Resolver()
export class AuthResolver {
  @Query(() => ViewerType, { description: "Who you are: your user, account and roles." })
  async viewer(@Ctx() ctx: Context): Promise<ViewerType> {
    const [user, account] = await Promise.all([
      ctx.loaders.require(User, ctx.viewer.userId),
      ctx.dataSource.getRepository(Account).findOneByOrFail({ id: ctx.accountId }),
    ]);
    return { user, accountName: account.name, roles: [...ctx.viewer.roles] };
  }

  @Mutation(() => CreateUserPayload, { description: "Adds a user to your account (admin)." })
  createUser(@Arg("input", () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => createUser(work, input));
  }

  @Mutation(() => CreateApiTokenPayload, { description: "Issues an API token for a user of your account (admin)." })
  createApiToken(@Arg("input", () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => createApiToken(work, input));
  }

  @Mutation(() => RevokeApiTokenPayload, { description: "Revokes an API token of your account at once (admin)." })
  revokeApiToken(@Arg("input", () => RevokeApiTokenInput) input: RevokeApiTokenInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => revokeApiToken(work, input));
  }
}
