/**
 * The vocabulary of the resolution rules (DOMAIN.md), as plain data. Entities satisfy these shapes
 * structurally, so the rules run on whatever the shell loaded without knowing about TypeORM or GraphQL.
 */

export enum CpuArchitecture {
  I386 = "I386",
  X86_64 = "X86_64",
  ARM64 = "ARM64",
}

export enum ImageVisibility {
  PUBLIC = "PUBLIC",
  PRIVATE = "PRIVATE",
}

/** Which level of the inheritance chain chose the image. */
export enum ImageSource {
  SERVER_TEMPLATE_DEFAULT_MCI = "SERVER_TEMPLATE_DEFAULT_MCI",
  SERVER_MCI = "SERVER_MCI",
  SERVER_ARRAY_MCI = "SERVER_ARRAY_MCI",
  SERVER_IMAGE = "SERVER_IMAGE",
  SERVER_ARRAY_IMAGE = "SERVER_ARRAY_IMAGE",
}

/** A level of the inheritance chain, lowest precedence first. */
export enum ResolutionLevel {
  SERVER_TEMPLATE = "SERVER_TEMPLATE",
  SERVER = "SERVER",
  SERVER_ARRAY = "SERVER_ARRAY",
}

export enum ProblemSeverity {
  /** Nothing launches while this problem stands. */
  BLOCKING = "BLOCKING",
  /** The launch may work, but nobody tested it. */
  ADVISORY = "ADVISORY",
}

export enum LaunchProblemCode {
  CLOUD_NOT_SUPPORTED = "CLOUD_NOT_SUPPORTED",
  UNTESTED_COMBINATION = "UNTESTED_COMBINATION",
  ARCHITECTURE_MISMATCH = "ARCHITECTURE_MISMATCH",
  WRONG_CLOUD = "WRONG_CLOUD",
  NO_MULTI_CLOUD_IMAGE = "NO_MULTI_CLOUD_IMAGE",
}

/** Whether the launchable is a Server's next launch or a ServerArray's next instance. */
export type LaunchableKind = "SERVER" | "SERVER_ARRAY";

export interface CloudFacts {
  id: string;
  name: string;
}

export interface ImageFacts {
  id: string;
  cloudId: string;
  resourceUid: string;
  cpuArchitecture: CpuArchitecture;
}

export interface InstanceTypeFacts {
  id: string;
  cloudId: string;
  name: string;
  cpuArchitectures: CpuArchitecture[];
}

export interface MultiCloudImageFacts {
  id: string;
  name: string;
}

/** One MCI's entry for one cloud: the image and default instance type to use there. */
export interface SettingFacts<I extends ImageFacts = ImageFacts, T extends InstanceTypeFacts = InstanceTypeFacts> {
  cloudId: string;
  image: I;
  instanceType: T;
}

/** A ServerTemplate as the rules see it: the MCIs it is published with, and which one is the default. */
export interface TemplateFacts {
  id: string;
  name: string;
  multiCloudImageIds: readonly string[];
  defaultMultiCloudImageId: string | null;
}

/** The next-launch settings of a Server or ServerArray; null overrides mean "inherit". */
export interface LaunchSettingsFacts {
  multiCloudImageId: string | null;
  imageId: string | null;
  instanceTypeId: string | null;
}

/** The setting a problem is about, so a write can point its error at the input field to change. */
export type LaunchField = "serverTemplate" | "cloud" | "multiCloudImage" | "image" | "instanceType";

export interface LaunchProblem {
  code: LaunchProblemCode;
  severity: ProblemSeverity;
  message: string;
  field: LaunchField;
}
