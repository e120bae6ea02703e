import { Arg, Ctx, Field, ID, InputType, Int, Mutation, Resolver } from "type-graphql";
import { Instance, Server } from "../../entities";
import { relaunchServer, launchServer, terminateServer } from "../../services/server-lifecycle";
import { createServer, deleteServer, updateInstance, updateServer } from "../../services/server-settings";
import { Context } from "../context";
import { LaunchSettingsChangesInput, NewLaunchSettingsInput } from "./launch-settings.inputs";
import { payloadType, runMutation } from "../mutation";

@InputType({ description: "A new server. Leave the overrides out to inherit from the template's default MCI." })
export class CreateServerInput extends NewLaunchSettingsInput {
  @Field(() => ID, { description: "The deployment to add the server to." })
  deploymentId: string;

  @Field(() => String, { description: "Name, unique within the deployment." })
  name: string;
}

@InputType({
  description: "Changes to a server's next launch settings. Omit a field to keep it; pass null to clear an override.",
})
export class UpdateServerInput extends LaunchSettingsChangesInput {
  @Field(() => ID, { description: "The server to change." })
  serverId: string;

  @Field(() => Int, { nullable: true, description: "Refuse with STALE_VERSION unless the server is at this version." })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: "A new name." })
  name?: string | null;
}

@InputType({ description: "A server to launch, terminate, relaunch or delete." })
export class ServerLifecycleInput {
  @Field(() => ID, { description: "The server." })
  serverId: string;

  @Field(() => Int, { nullable: true, description: "Refuse with STALE_VERSION unless the server is at this version." })
  expectedVersion?: number | null;
}

@InputType({ description: "Changes to a launched instance. Only its name can change." })
export class UpdateInstanceInput {
  @Field(() => ID, { description: "The instance." })
  instanceId: string;

  @Field(() => String, { nullable: true, description: "A new name." })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: "Always refused: a launched instance's image never changes." })
  imageId?: string | null;

  @Field(() => ID, { nullable: true, description: "Always refused: a launched instance's MCI never changes." })
  multiCloudImageId?: string | null;

  @Field(() => ID, { nullable: true, description: "Always refused: a launched instance's instance type never changes." })
  instanceTypeId?: string | null;
}

const server = { type: () => Server, description: "The server as it is now." };
const instance = { type: () => Instance, description: "The instance launched, or terminated, by this mutation." };

const CreateServerPayload = payloadType("CreateServerPayload", { server });
const UpdateServerPayload = payloadType("UpdateServerPayload", { server });
const DeleteServerPayload = payloadType("DeleteServerPayload", {
  deletedServerId: { type: () => ID, description: "The global id of the deleted server." },
});
const LaunchServerPayload = payloadType("LaunchServerPayload", { server, instance });
const TerminateServerPayload = payloadType("TerminateServerPayload", { server, instance });
const RelaunchServerPayload = payloadType("RelaunchServerPayload", {
  server,
  instance: { type: () => Instance, description: "The new instance, launched with the next settings." },
  terminatedInstance: { type: () => Instance, description: "The instance that was replaced." },
});
const UpdateInstancePayload = payloadType("UpdateInstancePayload", {
  instance: { type: () => Instance, description: "The instance as it is now." },
});

@Resolver()
export class ServerMutations {
  @Mutation(() => CreateServerPayload, {
    description:
      "Adds a server to a deployment. Only in a cloud its effective MCI supports; overrides must belong to that cloud and fit together.",
  })
  createServer(@Arg("input", () => CreateServerInput) input: CreateServerInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => createServer(work, input));
  }

  @Mutation(() => UpdateServerPayload, {
    description: "Edits the next launch settings, running or not. A running instance keeps its image until relaunched.",
  })
  updateServer(@Arg("input", () => UpdateServerInput) input: UpdateServerInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => updateServer(work, input));
  }

  @Mutation(() => DeleteServerPayload, { description: "Deletes a server that is not running, with its instance history." })
  async deleteServer(@Arg("input", () => ServerLifecycleInput) input: ServerLifecycleInput, @Ctx() ctx: Context) {
    const result = await runMutation(ctx, (work) => deleteServer(work, input));
    return { ...result, deletedServerId: result.deletedServerId ? input.serverId : null };
  }

  @Mutation(() => LaunchServerPayload, {
    description: "Launches the server: its next launch resolution is frozen into a new instance. Refused while it runs.",
  })
  launchServer(@Arg("input", () => ServerLifecycleInput) input: ServerLifecycleInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => launchServer(work, input));
  }

  @Mutation(() => TerminateServerPayload, { description: "Terminates the server's current instance." })
  terminateServer(@Arg("input", () => ServerLifecycleInput) input: ServerLifecycleInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => terminateServer(work, input));
  }

  @Mutation(() => RelaunchServerPayload, {
    description: "Terminates the current instance and launches with the next settings, atomically.",
  })
  relaunchServer(@Arg("input", () => ServerLifecycleInput) input: ServerLifecycleInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => relaunchServer(work, input));
  }

  @Mutation(() => UpdateInstancePayload, {
    description: "Renames an instance. Its image, MCI and instance type never change (INSTANCE_IMMUTABLE).",
  })
  updateInstance(@Arg("input", () => UpdateInstanceInput) input: UpdateInstanceInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => updateInstance(work, input));
  }
}
