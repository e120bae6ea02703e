import { Arg, ClassType, Ctx, Field, ID, InputType, Int, Mutation, Resolver } from "type-graphql";
import { Instance, Server, ServerArray } from "../../entities";
import { ServerArrayState } from "../../entities/states";
import {
  createServerArray,
  deleteServerArray,
  launchServerArrayInstances,
  MAX_LAUNCH_COUNT,
  updateServerArray,
} from "../../services/server-arrays";
import { terminateInstance } from "../../services/terminate-instance";
import { Context } from "../context";
import { LaunchSettingsChangesInput, NewLaunchSettingsInput } from "./launch-settings.inputs";
import { payloadType, runMutation } from "../mutation";

@InputType({ description: "A new server array. Leave the overrides out to inherit from the template's default MCI." })
export class CreateServerArrayInput extends NewLaunchSettingsInput {
  @Field(() => ID, { description: "The deployment to add the array to." })
  deploymentId: string;

  @Field(() => String, { description: "Name, unique among the deployment's arrays; instances are named after it." })
  name: string;

  @Field(() => Int, { description: "The fewest instances the array keeps running while enabled; 0 or more." })
  minCount: number;

  @Field(() => Int, { description: "The most instances the array may run at once; at least 1 and at least minCount." })
  maxCount: number;

  @Field(() => ServerArrayState, { nullable: true, description: "ENABLED (when left out) or DISABLED." })
  state?: ServerArrayState | null;
}

@InputType({
  description:
    "Changes to a server array's settings, for the instances launched from now on. Omit a field to keep it; pass null to clear an override.",
})
export class UpdateServerArrayInput extends LaunchSettingsChangesInput {
  @Field(() => ID, { description: "The server array to change." })
  serverArrayId: string;

  @Field(() => Int, { nullable: true, description: "Refuse with STALE_VERSION unless the array is at this version." })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: "A new name; instances already launched keep theirs." })
  name?: string | null;

  @Field(() => Int, { nullable: true, description: "A new minimum count." })
  minCount?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "A new maximum count; not below the instances running now (terminate some first).",
  })
  maxCount?: number | null;

  @Field(() => ServerArrayState, { nullable: true, description: "ENABLED or DISABLED; a disabled array launches nothing." })
  state?: ServerArrayState | null;
}

@InputType({ description: "A server array to delete." })
export class DeleteServerArrayInput {
  @Field(() => ID, { description: "The server array." })
  serverArrayId: string;

  @Field(() => Int, { nullable: true, description: "Refuse with STALE_VERSION unless the array is at this version." })
  expectedVersion?: number | null;
}

@InputType({ description: "How many instances to launch in a server array." })
export class LaunchServerArrayInstancesInput {
  @Field(() => ID, { description: "The server array." })
  serverArrayId: string;

  @Field(() => Int, {
    description: `How many instances to launch, 1 to ${MAX_LAUNCH_COUNT}; the array's live instances plus these may not exceed maxCount.`,
  })
  count: number;

  @Field(() => Int, {
    nullable: true,
    description: "Refuse with STALE_VERSION unless the array is at this version (its settings are the ones you read).",
  })
  expectedVersion?: number | null;
}

@InputType({ description: "An instance to terminate, of a server or of a server array." })
export class TerminateInstanceInput {
  @Field(() => ID, { description: "The instance." })
  instanceId: string;

  @Field(() => Int, { nullable: true, description: "Refuse with STALE_VERSION unless the instance is at this version." })
  expectedVersion?: number | null;
}

/** payloadType's fields take one object type; a list field is declared the way type-graphql reads it. */
const listOf = (type: ClassType) => (() => [type]) as unknown as () => ClassType;

const serverArray = { type: () => ServerArray, description: "The server array as it is now." };

const CreateServerArrayPayload = payloadType("CreateServerArrayPayload", { serverArray });
const UpdateServerArrayPayload = payloadType("UpdateServerArrayPayload", { serverArray });
const DeleteServerArrayPayload = payloadType("DeleteServerArrayPayload", {
  deletedServerArrayId: { type: () => ID, description: "The global id of the deleted server array." },
});
const LaunchServerArrayInstancesPayload = payloadType("LaunchServerArrayInstancesPayload", {
  serverArray,
  instances: { type: listOf(Instance), description: "The instances launched, in launch order." },
});
const TerminateInstancePayload = payloadType("TerminateInstancePayload", {
  instance: { type: () => Instance, description: "The terminated instance, kept as history." },
  server: { type: () => Server, description: "The server the instance belonged to; null for an array instance." },
  serverArray: { type: () => ServerArray, description: "The server array the instance belonged to; null for a server instance." },
});

@Resolver()
export class ServerArrayMutations {
  @Mutation(() => CreateServerArrayPayload, {
    description:
      "Adds a server array to a deployment. Only in a cloud its effective MCI supports; overrides must belong to that cloud and fit together. Launches nothing.",
  })
  createServerArray(@Arg("input", () => CreateServerArrayInput) input: CreateServerArrayInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => createServerArray(work, input));
  }

  @Mutation(() => UpdateServerArrayPayload, {
    description:
      "Edits the array's settings for the instances launched from now on. Running instances keep their image (they show as drifted).",
  })
  updateServerArray(@Arg("input", () => UpdateServerArrayInput) input: UpdateServerArrayInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => updateServerArray(work, input));
  }

  @Mutation(() => DeleteServerArrayPayload, {
    description: "Deletes a server array with its instance history. Refused (STILL_RUNNING) while any of its instances runs.",
  })
  async deleteServerArray(@Arg("input", () => DeleteServerArrayInput) input: DeleteServerArrayInput, @Ctx() ctx: Context) {
    const result = await runMutation(ctx, (work) => deleteServerArray(work, input));
    return { ...result, deletedServerArrayId: result.deletedServerArrayId ? input.serverArrayId : null };
  }

  @Mutation(() => LaunchServerArrayInstancesPayload, {
    description:
      "Launches instances in an enabled server array, each frozen with the array's settings at this moment, never beyond maxCount.",
  })
  launchServerArrayInstances(
    @Arg("input", () => LaunchServerArrayInstancesInput) input: LaunchServerArrayInstancesInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, (work) => launchServerArrayInstances(work, input));
  }

  @Mutation(() => TerminateInstancePayload, {
    description: "Terminates one instance, of a server or of a server array; its record stays as history.",
  })
  terminateInstance(@Arg("input", () => TerminateInstanceInput) input: TerminateInstanceInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => terminateInstance(work, input));
  }
}
