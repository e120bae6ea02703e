import { Field, ID, InputType } from "type-graphql";

/**
 * The next-launch settings a new server or server array takes. Leave the overrides out to inherit from the
 * template's default MCI. Not an input of its own: CreateServerInput and CreateServerArrayInput extend it.
 */
@InputType("NewLaunchSettings")
export abstract class NewLaunchSettingsInput {
  @Field(() => ID, { description: "The ServerTemplate it runs." })
  serverTemplateId: string;

  @Field(() => ID, { description: "The cloud to launch into; the effective MCI must support it." })
  cloudId: string;

  @Field(() => ID, { nullable: true, description: "Select this MCI instead of the template's default." })
  multiCloudImageId?: string | null;

  @Field(() => ID, { nullable: true, description: "Use this image instead of the MCI's (untested; for advanced users)." })
  imageId?: string | null;

  @Field(() => ID, { nullable: true, description: "Use this instance type instead of the MCI's default." })
  instanceTypeId?: string | null;
}

/**
 * Changes to next-launch settings: an omitted field stays as it is, an explicit null clears an override (back
 * to inherit). UpdateServerInput and UpdateServerArrayInput extend it.
 */
@InputType("LaunchSettingsChanges")
export abstract class LaunchSettingsChangesInput {
  @Field(() => ID, { nullable: true, description: "Another template." })
  serverTemplateId?: string | null;

  @Field(() => ID, { nullable: true, description: "Another cloud." })
  cloudId?: string | null;

  @Field(() => ID, { nullable: true, description: "Select this MCI; null inherits the template's default." })
  multiCloudImageId?: string | null;

  @Field(() => ID, { nullable: true, description: "Override the image; null inherits the MCI's." })
  imageId?: string | null;

  @Field(() => ID, { nullable: true, description: "Override the instance type; null inherits the MCI's default." })
  instanceTypeId?: string | null;
}
