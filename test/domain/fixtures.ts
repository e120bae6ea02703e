/**
 * The demo's world, as plain data for the pure rules: two AWS regions and one other cloud, a 32-bit and a
 * 64-bit base Linux image in each AWS region, m1.small (32/64-bit) and m1.large (64-bit only), the MCIs
 * "Base Linux 32-bit" (small) and "Base Linux 64-bit" (large), and the template "Base ServerTemplate for Linux"
 * published with both, the 32-bit one default. Plus a few things off that happy path: an MCI the template is
 * not published with, a private custom image, a template without MCIs.
 */
import {
  CloudFacts,
  CpuArchitecture,
  ImageFacts,
  ImageResolution,
  InstanceTypeFacts,
  LaunchableKind,
  LaunchInput,
  LaunchProblemCode,
  multiCloudImageIdsInChain,
  MultiCloudImageFacts,
  MultiCloudImageWithSettings,
  ProblemSeverity,
  resolveLaunch,
  ResolutionStep,
  TemplateFacts,
} from "../../src/domain";

const { I386, X86_64 } = CpuArchitecture;

// --- builders -------------------------------------------------------------------------------------------

export function cloud(id: string, name: string): CloudFacts {
  return { id, name };
}

export function image(id: string, on: CloudFacts, resourceUid: string, cpuArchitecture: CpuArchitecture): ImageFacts {
  return { id, cloudId: on.id, resourceUid, cpuArchitecture };
}

export function instanceType(id: string, on: CloudFacts, name: string, ...archs: CpuArchitecture[]): InstanceTypeFacts {
  return { id, cloudId: on.id, name, cpuArchitectures: archs };
}

export type Mci = MultiCloudImageWithSettings<ImageFacts, InstanceTypeFacts, MultiCloudImageFacts>;

/** An MCI with one setting per `[cloud, image, default instance type]`. */
export function mci(id: string, name: string, ...settings: [CloudFacts, ImageFacts, InstanceTypeFacts][]): Mci {
  return {
    multiCloudImage: { id, name },
    settings: settings.map(([on, img, type]) => ({ cloudId: on.id, image: img, instanceType: type })),
  };
}

/** A template published with `mcis`, the first of them its default. */
export function template(id: string, name: string, ...mcis: Mci[]): TemplateFacts {
  return {
    id,
    name,
    multiCloudImageIds: mcis.map((m) => m.multiCloudImage.id),
    defaultMultiCloudImageId: mcis[0]?.multiCloudImage.id ?? null,
  };
}

// --- the demo world -------------------------------------------------------------------------------------

export const awsUsEast = cloud("cloud-aws-us-east-1", "AWS us-east-1");
export const awsUsWest = cloud("cloud-aws-us-west-1", "AWS us-west-1");
export const azureEastUs = cloud("cloud-azure-east-us", "Azure East US");

export const baseLinux32East = image("img-base32-east", awsUsEast, "ami-0f2a9c3e", I386);
export const baseLinux64East = image("img-base64-east", awsUsEast, "ami-7b1d44a0", X86_64);
/** "A custom image you just built": private, 64-bit, in us-east-1, in no MCI of the template. */
export const customLinux64East = image("img-custom64-east", awsUsEast, "ami-c0ffee01", X86_64);
export const baseLinux32West = image("img-base32-west", awsUsWest, "ami-3e9c2a0f", I386);
export const baseLinux64West = image("img-base64-west", awsUsWest, "ami-0a44d1b7", X86_64);
export const ubuntuAzure = image("img-ubuntu-azure", azureEastUs, "Canonical:UbuntuServer:22.04", X86_64);

export const m1SmallEast = instanceType("it-m1small-east", awsUsEast, "m1.small", I386, X86_64);
/** Another small-family type that still runs 32-bit images, for an instance type override that fits. */
export const c1MediumEast = instanceType("it-c1medium-east", awsUsEast, "c1.medium", I386, X86_64);
export const m1LargeEast = instanceType("it-m1large-east", awsUsEast, "m1.large", X86_64);
export const m1SmallWest = instanceType("it-m1small-west", awsUsWest, "m1.small", I386, X86_64);
export const m1LargeWest = instanceType("it-m1large-west", awsUsWest, "m1.large", X86_64);

export const baseLinux32 = mci(
  "mci-base32",
  "Base Linux 32-bit",
  [awsUsEast, baseLinux32East, m1SmallEast],
  [awsUsWest, baseLinux32West, m1SmallWest],
);
export const baseLinux64 = mci(
  "mci-base64",
  "Base Linux 64-bit",
  [awsUsEast, baseLinux64East, m1LargeEast],
  [awsUsWest, baseLinux64West, m1LargeWest],
);
/** An MCI that "Base ServerTemplate for Linux" is not published with. */
export const customLinux64 = mci("mci-custom64", "Custom Linux 64-bit", [awsUsEast, customLinux64East, m1LargeEast]);

export const allMcis: readonly Mci[] = [baseLinux32, baseLinux64, customLinux64];

export const baseTemplate = template("st-base-linux", "Base ServerTemplate for Linux", baseLinux32, baseLinux64);
/** The same template after its default was switched to the 64-bit MCI. */
export const baseTemplate64Default = template("st-base-linux", "Base ServerTemplate for Linux", baseLinux64, baseLinux32);
export const emptyTemplate = template("st-empty", "Unpublished ServerTemplate");

// --- a launch -------------------------------------------------------------------------------------------

export interface Launch {
  kind?: LaunchableKind;
  cloud?: CloudFacts;
  template?: TemplateFacts;
  /** The launchable's MCI selection (null/absent = inherit the template's default). */
  mci?: Mci | null;
  image?: ImageFacts | null;
  instanceType?: InstanceTypeFacts | null;
}

/**
 * The input the shell would load: the overrides, and exactly the MCIs `multiCloudImageIdsInChain` names
 * (so the tests also prove that this is all a resolution needs). Defaults: a server in AWS us-east-1 on
 * "Base ServerTemplate for Linux", overriding nothing.
 */
export function launchInput(launch: Launch = {}): LaunchInput<ImageFacts, InstanceTypeFacts, MultiCloudImageFacts> {
  const settings = {
    multiCloudImageId: launch.mci?.multiCloudImage.id ?? null,
    imageId: launch.image?.id ?? null,
    instanceTypeId: launch.instanceType?.id ?? null,
  };
  const tmpl = launch.template ?? baseTemplate;
  const byId = new Map(allMcis.map((m) => [m.multiCloudImage.id, m]));
  const multiCloudImages = new Map<string, Mci>();
  for (const id of multiCloudImageIdsInChain(settings, tmpl)) {
    const found = byId.get(id);
    if (found) multiCloudImages.set(id, found);
  }
  return {
    kind: launch.kind ?? "SERVER",
    cloud: launch.cloud ?? awsUsEast,
    settings,
    template: tmpl,
    multiCloudImages,
    imageOverride: launch.image ?? null,
    instanceTypeOverride: launch.instanceType ?? null,
  };
}

export type Resolution = ImageResolution<ImageFacts, InstanceTypeFacts, MultiCloudImageFacts>;
export type Step = ResolutionStep<ImageFacts, InstanceTypeFacts, MultiCloudImageFacts>;

export function resolve(launch: Launch = {}): Resolution {
  return resolveLaunch(launchInput(launch));
}

// --- readable views of an outcome -----------------------------------------------------------------------

/** Problems as "CODE BLOCKING|ADVISORY", sorted, so tables can state them without caring about order. */
export function problemsOf(resolution: Resolution): string[] {
  return resolution.problems.map((p) => `${p.code} ${p.severity}`).sort();
}

export function problem(code: LaunchProblemCode, severity: ProblemSeverity): string {
  return `${code} ${severity}`;
}

export type Decided = "multiCloudImage" | "image" | "instanceType";

/** What a step decided, as a list: `["multiCloudImage", "image"]`. */
export function decidedBy(step: Step): Decided[] {
  const decided: Decided[] = [];
  if (step.decidedMultiCloudImage) decided.push("multiCloudImage");
  if (step.decidedImage) decided.push("image");
  if (step.decidedInstanceType) decided.push("instanceType");
  return decided;
}
