import { Arg, Ctx, Field, ID, InputType, Int, Mutation, Resolver } from "type-graphql";
import { MultiCloudImage, MultiCloudImageSetting, ServerTemplate } from "../../entities";
import {
  createMultiCloudImage,
  deleteMultiCloudImage,
  removeMultiCloudImageSetting,
  setMultiCloudImageSetting,
  updateMultiCloudImage,
} from "../../services/multi-cloud-images";
import {
  addServerTemplateMultiCloudImage,
  createServerTemplate,
  deleteServerTemplate,
  removeServerTemplateMultiCloudImage,
  setDefaultMultiCloudImage,
  updateServerTemplate,
} from "../../services/server-templates";
import { Context } from "../context";
import { payloadType, runMutation } from "../mutation";

const EXPECTED_VERSION = (noun: string) => ({
  nullable: true,
  description: `Refuse with STALE_VERSION unless the ${noun} is at this version.`,
});

@InputType({ description: "One cloud's entry of a MultiCloud Image: the image and the default instance type to use there." })
export class MultiCloudImageSettingInput {
  @Field(() => ID, { description: "The cloud; at most one setting per cloud." })
  cloudId: string;

  @Field(() => ID, { description: "The image to launch with in that cloud; it must belong to the cloud." })
  imageId: string;

  @Field(() => ID, {
    description: "The default instance type in that cloud; it must belong to the cloud and run the image's architecture.",
  })
  instanceTypeId: string;
}

@InputType({ description: "A new MultiCloud Image." })
export class CreateMultiCloudImageInput {
  @Field(() => String, { description: "Name, unique within your account." })
  name: string;

  @Field(() => String, { nullable: true, description: "Free text about the MCI; empty when left out." })
  description?: string | null;

  @Field(() => [MultiCloudImageSettingInput], {
    nullable: true,
    description: "Its settings, at most one per cloud; none when left out (the MCI then supports no cloud yet).",
  })
  settings?: MultiCloudImageSettingInput[] | null;
}

@InputType({ description: "Changes to a MultiCloud Image's own fields. Omit a field to keep it." })
export class UpdateMultiCloudImageInput {
  @Field(() => ID, { description: "The MCI to change." })
  multiCloudImageId: string;

  @Field(() => Int, EXPECTED_VERSION("MCI"))
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: "A new name, unique within your account." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "A new description; null clears it." })
  description?: string | null;
}

@InputType({ description: "The setting of a MultiCloud Image for one cloud, added or replaced." })
export class SetMultiCloudImageSettingInput {
  @Field(() => ID, { description: "The MCI to change." })
  multiCloudImageId: string;

  @Field(() => Int, EXPECTED_VERSION("MCI"))
  expectedVersion?: number | null;

  @Field(() => ID, { description: "The cloud; the MCI's setting for it is added, or replaced if it has one." })
  cloudId: string;

  @Field(() => ID, { description: "The image to launch with in that cloud; it must belong to the cloud." })
  imageId: string;

  @Field(() => ID, {
    description: "The default instance type in that cloud; it must belong to the cloud and run the image's architecture.",
  })
  instanceTypeId: string;
}

@InputType({ description: "The setting of a MultiCloud Image for one cloud, to remove." })
export class RemoveMultiCloudImageSettingInput {
  @Field(() => ID, { description: "The MCI to change." })
  multiCloudImageId: string;

  @Field(() => ID, { description: "The cloud the MCI should no longer support." })
  cloudId: string;

  @Field(() => Int, EXPECTED_VERSION("MCI"))
  expectedVersion?: number | null;
}

@InputType({ description: "A MultiCloud Image to delete." })
export class DeleteMultiCloudImageInput {
  @Field(() => ID, { description: "The MCI." })
  multiCloudImageId: string;

  @Field(() => Int, EXPECTED_VERSION("MCI"))
  expectedVersion?: number | null;
}

@InputType({ description: "A new ServerTemplate, published with MultiCloud Images." })
export class CreateServerTemplateInput {
  @Field(() => String, { description: "Name, unique within your account." })
  name: string;

  @Field(() => String, { nullable: true, description: "Free text about the template; empty when left out." })
  description?: string | null;

  @Field(() => [ID], { nullable: true, description: "The MCIs it is published with (the tested ones), in order; none when left out." })
  multiCloudImageIds?: string[] | null;

  @Field(() => ID, {
    nullable: true,
    description: "Which of multiCloudImageIds is the default; the first one when left out.",
  })
  defaultMultiCloudImageId?: string | null;
}

@InputType({ description: "Changes to a ServerTemplate's own fields. Omit a field to keep it." })
export class UpdateServerTemplateInput {
  @Field(() => ID, { description: "The template to change." })
  serverTemplateId: string;

  @Field(() => Int, EXPECTED_VERSION("template"))
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: "A new name, unique within your account." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "A new description; null clears it." })
  description?: string | null;
}

@InputType({ description: "A MultiCloud Image to publish a ServerTemplate with." })
export class AddServerTemplateMultiCloudImageInput {
  @Field(() => ID, { description: "The template to change." })
  serverTemplateId: string;

  @Field(() => ID, { description: "The MCI to add, last in order." })
  multiCloudImageId: string;

  @Field(() => Boolean, {
    nullable: true,
    description: "Make it the default at once. The template's first MCI is always its default.",
  })
  makeDefault?: boolean | null;

  @Field(() => Int, EXPECTED_VERSION("template"))
  expectedVersion?: number | null;
}

@InputType({ description: "One of a ServerTemplate's MultiCloud Images, to remove or to make the default." })
export class ServerTemplateMultiCloudImageInput {
  @Field(() => ID, { description: "The template to change." })
  serverTemplateId: string;

  @Field(() => ID, { description: "One of the template's MCIs." })
  multiCloudImageId: string;

  @Field(() => Int, EXPECTED_VERSION("template"))
  expectedVersion?: number | null;
}

@InputType({ description: "A ServerTemplate to delete." })
export class DeleteServerTemplateInput {
  @Field(() => ID, { description: "The template." })
  serverTemplateId: string;

  @Field(() => Int, EXPECTED_VERSION("template"))
  expectedVersion?: number | null;
}

const multiCloudImage = { type: () => MultiCloudImage, description: "The MultiCloud Image as it is now." };
const serverTemplate = { type: () => ServerTemplate, description: "The ServerTemplate as it is now." };

const CreateMultiCloudImagePayload = payloadType("CreateMultiCloudImagePayload", { multiCloudImage });
const UpdateMultiCloudImagePayload = payloadType("UpdateMultiCloudImagePayload", { multiCloudImage });
const SetMultiCloudImageSettingPayload = payloadType("SetMultiCloudImageSettingPayload", {
  multiCloudImage,
  setting: { type: () => MultiCloudImageSetting, description: "The setting for the cloud, as it is now." },
});
const RemoveMultiCloudImageSettingPayload = payloadType("RemoveMultiCloudImageSettingPayload", {
  multiCloudImage,
  removedSettingId: { type: () => ID, description: "The global id of the removed setting." },
});
const DeleteMultiCloudImagePayload = payloadType("DeleteMultiCloudImagePayload", {
  deletedMultiCloudImageId: { type: () => ID, description: "The global id of the deleted MCI." },
});
const CreateServerTemplatePayload = payloadType("CreateServerTemplatePayload", { serverTemplate });
const UpdateServerTemplatePayload = payloadType("UpdateServerTemplatePayload", { serverTemplate });
const AddServerTemplateMultiCloudImagePayload = payloadType("AddServerTemplateMultiCloudImagePayload", {
  serverTemplate,
  multiCloudImage: { type: () => MultiCloudImage, description: "The MCI added." },
});
const RemoveServerTemplateMultiCloudImagePayload = payloadType("RemoveServerTemplateMultiCloudImagePayload", {
  serverTemplate,
  multiCloudImage: { type: () => MultiCloudImage, description: "The MCI removed from the template (it still exists)." },
});
const SetDefaultMultiCloudImagePayload = payloadType("SetDefaultMultiCloudImagePayload", {
  serverTemplate,
  multiCloudImage: { type: () => MultiCloudImage, description: "The new default MCI." },
  previousDefaultMultiCloudImage: { type: () => MultiCloudImage, description: "The MCI that was the default before." },
});
const DeleteServerTemplatePayload = payloadType("DeleteServerTemplatePayload", {
  deletedServerTemplateId: { type: () => ID, description: "The global id of the deleted template." },
});

@Resolver()
export class DesignMutations {
  @Mutation(() => CreateMultiCloudImagePayload, {
    description:
      "Creates a MultiCloud Image. Each setting's image and instance type must belong to its cloud and fit together.",
  })
  createMultiCloudImage(@Arg("input", () => CreateMultiCloudImageInput) input: CreateMultiCloudImageInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => createMultiCloudImage(work, input));
  }

  @Mutation(() => UpdateMultiCloudImagePayload, { description: "Renames or redescribes a MultiCloud Image." })
  updateMultiCloudImage(@Arg("input", () => UpdateMultiCloudImageInput) input: UpdateMultiCloudImageInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => updateMultiCloudImage(work, input));
  }

  @Mutation(() => SetMultiCloudImageSettingPayload, {
    description:
      "Adds or replaces a MultiCloud Image's setting for a cloud. Servers resolving through it see the change at their next launch.",
  })
  setMultiCloudImageSetting(
    @Arg("input", () => SetMultiCloudImageSettingInput) input: SetMultiCloudImageSettingInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, (work) => setMultiCloudImageSetting(work, input));
  }

  @Mutation(() => RemoveMultiCloudImageSettingPayload, {
    description: "Removes a MultiCloud Image's setting for a cloud: the MCI no longer supports that cloud.",
  })
  removeMultiCloudImageSetting(
    @Arg("input", () => RemoveMultiCloudImageSettingInput) input: RemoveMultiCloudImageSettingInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, (work) => removeMultiCloudImageSetting(work, input));
  }

  @Mutation(() => DeleteMultiCloudImagePayload, {
    description:
      "Deletes a MultiCloud Image nothing uses. Refused with IN_USE naming the templates, servers, arrays and instances that use it.",
  })
  deleteMultiCloudImage(@Arg("input", () => DeleteMultiCloudImageInput) input: DeleteMultiCloudImageInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => deleteMultiCloudImage(work, input));
  }

  @Mutation(() => CreateServerTemplatePayload, {
    description: "Creates a ServerTemplate published with MultiCloud Images, one of them the default.",
  })
  createServerTemplate(@Arg("input", () => CreateServerTemplateInput) input: CreateServerTemplateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => createServerTemplate(work, input));
  }

  @Mutation(() => UpdateServerTemplatePayload, { description: "Renames or redescribes a ServerTemplate." })
  updateServerTemplate(@Arg("input", () => UpdateServerTemplateInput) input: UpdateServerTemplateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => updateServerTemplate(work, input));
  }

  @Mutation(() => AddServerTemplateMultiCloudImagePayload, {
    description: "Publishes a ServerTemplate with one more MultiCloud Image; the first one added becomes the default.",
  })
  addServerTemplateMultiCloudImage(
    @Arg("input", () => AddServerTemplateMultiCloudImageInput) input: AddServerTemplateMultiCloudImageInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, (work) => addServerTemplateMultiCloudImage(work, input));
  }

  @Mutation(() => RemoveServerTemplateMultiCloudImagePayload, {
    description:
      "Removes a MultiCloud Image from a ServerTemplate. The default cannot be removed while others remain (DEFAULT_REQUIRED).",
  })
  removeServerTemplateMultiCloudImage(
    @Arg("input", () => ServerTemplateMultiCloudImageInput) input: ServerTemplateMultiCloudImageInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, (work) => removeServerTemplateMultiCloudImage(work, input));
  }

  @Mutation(() => SetDefaultMultiCloudImagePayload, {
    description:
      "Makes one of a ServerTemplate's MultiCloud Images its default. Inheriting servers see it at once; running instances keep their image.",
  })
  setDefaultMultiCloudImage(
    @Arg("input", () => ServerTemplateMultiCloudImageInput) input: ServerTemplateMultiCloudImageInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, (work) => setDefaultMultiCloudImage(work, input));
  }

  @Mutation(() => DeleteServerTemplatePayload, {
    description: "Deletes a ServerTemplate nothing uses. Refused with IN_USE naming the servers and arrays that run it.",
  })
  deleteServerTemplate(@Arg("input", () => DeleteServerTemplateInput) input: DeleteServerTemplateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, (work) => deleteServerTemplate(work, input));
  }
}
