import { Arg, Ctx, Field, ID, InputType, Int, Mutation, Resolver } from "type-graphql";
import { CpuArchitecture, ImageVisibility } from "../../domain";
import { Cloud, Image, InstanceType } from "../../entities";
import { deleteImage, registerCloud, registerImage, registerInstanceType } from "../../services/catalog";
import { Context } from "../context";
import { payloadType, runMutation } from "../mutation";

@InputType({ description: "A cloud or region to register." })
export class RegisterCloudInput {
  @Field(() => String, { description: "Display name, unique across the platform, such as AWS us-east-1." })
  name: string;
}

@InputType({ description: "A machine size to register in one cloud." })
export class RegisterInstanceTypeInput {
  @Field(() => ID, { description: "The cloud the instance type belongs to." })
  cloudId: string;

  @Field(() => String, { description: "The cloud's name for the size, such as m1.large; unique within the cloud." })
  name: string;

  @Field(() => [CpuArchitecture], { description: "The CPU architectures it runs: at least one." })
  cpuArchitectures: CpuArchitecture[];
}

@InputType({ description: "A machine image that exists in a cloud, to register." })
export class RegisterImageInput {
  @Field(() => ID, { description: "The cloud the image lives in." })
  cloudId: string;

  @Field(() => String, { description: "The cloud's own id of the image, such as ami-0f2a9c3e; unique within the cloud." })
  resourceUid: string;

  @Field(() => String, { description: "Display name." })
  name: string;

  @Field(() => CpuArchitecture, { description: "The CPU architecture the image is built for." })
  cpuArchitecture: CpuArchitecture;

  @Field(() => ImageVisibility, {
    description: "PUBLIC: every account sees it. PRIVATE: only your account does (a custom image you just built).",
  })
  visibility: ImageVisibility;
}

@InputType({ description: "An image to delete." })
export class DeleteImageInput {
  @Field(() => ID, { description: "The image." })
  imageId: string;

  @Field(() => Int, { nullable: true, description: "Refuse with STALE_VERSION unless the image is at this version." })
  expectedVersion?: number | null;
}

const RegisterCloudPayload = payloadType("RegisterCloudPayload", {
  cloud: { type: () => Cloud, description: "The registered cloud." },
});
const RegisterInstanceTypePayload = payloadType("RegisterInstanceTypePayload", {
  instanceType: { type: () => InstanceType, description: "The registered instance type." },
});
const RegisterImagePayload = payloadType("RegisterImagePayload", {
  image: { type: () => Image, description: "The registered image." },
});
const DeleteImagePayload = payloadType("DeleteImagePayload", {
  deletedImageId: { type: () => ID, description: "The global id of the deleted image." },
});

@Resolver()
export class CatalogMutations {
  @Mutation(() => RegisterCloudPayload, { description: "Registers a cloud or region that servers can launch into." })
  registerCloud(@Arg("input", () => RegisterCloudInput) input: RegisterCloudInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => registerCloud(work, input));
  }

  @Mutation(() => RegisterInstanceTypePayload, {
    description: "Registers a machine size in a cloud, with the CPU architectures it runs.",
  })
  registerInstanceType(@Arg("input", () => RegisterInstanceTypeInput) input: RegisterInstanceTypeInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => registerInstanceType(work, input));
  }

  @Mutation(() => RegisterImagePayload, {
    description: "Registers a machine image of a cloud: PUBLIC for every account, or PRIVATE to yours.",
  })
  registerImage(@Arg("input", () => RegisterImageInput) input: RegisterImageInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => registerImage(work, input));
  }

  @Mutation(() => DeleteImagePayload, {
    description:
      "Deletes an image nothing uses. Refused with IN_USE naming the MCI settings, servers, arrays and instances that use it.",
  })
  deleteImage(@Arg("input", () => DeleteImageInput) input: DeleteImageInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => deleteImage(work, input));
  }
}
