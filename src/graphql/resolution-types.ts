import { Field, ObjectType } from "type-graphql";
import { ImageSource, LaunchProblemCode, ProblemSeverity, ResolutionLevel } from "../domain";
import { Image, InstanceType, MultiCloudImage } from "../entities";
import "./enums";

@ObjectType({ description: "Why a launch is refused (BLOCKING) or risky (ADVISORY)." })
export class LaunchProblem {
  @Field(() => LaunchProblemCode, { description: "Machine-readable reason." })
  code: LaunchProblemCode;

  @Field(() => ProblemSeverity, { description: "BLOCKING stops the launch; ADVISORY warns." })
  severity: ProblemSeverity;

  @Field(() => String, { description: "The reason in words, naming what is at fault." })
  message: string;
}

@ObjectType({ description: "One level of the inheritance chain: what it names for this cloud, and whether that won." })
export class ResolutionStep {
  @Field(() => ResolutionLevel, { description: "The level: the template, or the server or array itself." })
  level: ResolutionLevel;

  @Field(() => MultiCloudImage, {
    nullable: true,
    description: "The MCI this level names: the template's default, or the server's (array's) selection.",
  })
  multiCloudImage: MultiCloudImage | null;

  @Field(() => Image, {
    nullable: true,
    description: "The image this level gives: its own override, or the image its MCI has for the cloud.",
  })
  image: Image | null;

  @Field(() => InstanceType, {
    nullable: true,
    description: "The instance type this level gives: its own override, or its MCI's default for the cloud.",
  })
  instanceType: InstanceType | null;

  @Field(() => Boolean, { description: "Whether this level's MCI is the one the launch uses." })
  decidedMultiCloudImage: boolean;

  @Field(() => Boolean, { description: "Whether this level decided the effective image." })
  decidedImage: boolean;

  @Field(() => Boolean, { description: "Whether this level decided the effective instance type." })
  decidedInstanceType: boolean;

  @Field(() => String, { description: "What this level does, in words." })
  summary: string;
}

@ObjectType({ description: "The next launch worked out from the inheritance chain, computed from the data as it is now." })
export class ImageResolution {
  @Field(() => Image, { nullable: true, description: "The image the next launch uses; null when unresolvable." })
  image: Image | null;

  @Field(() => InstanceType, { nullable: true, description: "The instance type the next launch uses." })
  instanceType: InstanceType | null;

  @Field(() => MultiCloudImage, {
    nullable: true,
    description: "The MCI in effect: the server's (array's) selection, else the template's default.",
  })
  multiCloudImage: MultiCloudImage | null;

  @Field(() => ImageSource, { nullable: true, description: "Which level chose the image; null when there is none." })
  imageSource: ImageSource | null;

  @Field(() => Boolean, {
    description: "True only when no image is overridden and the MCI is one of the template's own MCIs.",
  })
  tested: boolean;

  @Field(() => Boolean, { description: "True when no problem is BLOCKING: a launch would go ahead." })
  launchable: boolean;

  @Field(() => [LaunchProblem], { description: "Every problem found, blocking ones and advisories." })
  problems: LaunchProblem[];

  @Field(() => [ResolutionStep], { description: "The chain level by level, the template first." })
  steps: ResolutionStep[];
}
