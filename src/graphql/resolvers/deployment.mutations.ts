import { Arg, Ctx, Field, ID, InputType, Int, Mutation, Resolver } from "type-graphql";
import { Deployment } from "../../entities";
import { createDeployment, deleteDeployment, updateDeployment } from "../../services/deployments";
import { Context } from "../context";
import { payloadType, runMutation } from "../mutation";

@InputType({ description: "A new, empty deployment." })
export class CreateDeploymentInput {
  @Field(() => String, { description: "Name, unique within your account." })
  name: string;

  @Field(() => String, { nullable: true, description: "Free text about the deployment; empty when left out." })
  description?: string | null;
}

@InputType({ description: "Changes to a deployment. Omit a field to keep it." })
export class UpdateDeploymentInput {
  @Field(() => ID, { description: "The deployment to change." })
  deploymentId: string;

  @Field(() => Int, { nullable: true, description: "Refuse with STALE_VERSION unless the deployment is at this version." })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: "A new name, unique within your account." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "A new description; null clears it." })
  description?: string | null;
}

@InputType({ description: "A deployment to delete." })
export class DeleteDeploymentInput {
  @Field(() => ID, { description: "The deployment." })
  deploymentId: string;

  @Field(() => Int, { nullable: true, description: "Refuse with STALE_VERSION unless the deployment is at this version." })
  expectedVersion?: number | null;
}

const deployment = { type: () => Deployment, description: "The deployment as it is now." };

const CreateDeploymentPayload = payloadType("CreateDeploymentPayload", { deployment });
const UpdateDeploymentPayload = payloadType("UpdateDeploymentPayload", { deployment });
const DeleteDeploymentPayload = payloadType("DeleteDeploymentPayload", {
  deletedDeploymentId: { type: () => ID, description: "The global id of the deleted deployment." },
});

@Resolver()
export class DeploymentMutations {
  @Mutation(() => CreateDeploymentPayload, { description: "Creates an empty deployment to add servers and server arrays to." })
  createDeployment(@Arg("input", () => CreateDeploymentInput) input: CreateDeploymentInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => createDeployment(work, input));
  }

  @Mutation(() => UpdateDeploymentPayload, { description: "Renames a deployment or changes its description." })
  updateDeployment(@Arg("input", () => UpdateDeploymentInput) input: UpdateDeploymentInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => updateDeployment(work, input));
  }

  @Mutation(() => DeleteDeploymentPayload, {
    description:
      "Deletes a deployment with its servers, server arrays and their instance history. Refused (STILL_RUNNING) while any server or array instance runs.",
  })
  async deleteDeployment(@Arg("input", () => DeleteDeploymentInput) input: DeleteDeploymentInput, @Ctx() ctx: Context) {
    const result = await runMutation(ctx, (work) => deleteDeployment(work, input));
    return { ...result, deletedDeploymentId: result.deletedDeploymentId ? input.deploymentId : null };
  }
}
