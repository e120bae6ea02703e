import { compatibilityProblems } from "./compatibility";
import { isBlocking, launchProblem } from "./problems";
import {
  CloudFacts,
  ImageFacts,
  ImageSource,
  InstanceTypeFacts,
  LaunchableKind,
  LaunchProblem,
  LaunchProblemCode,
  LaunchSettingsFacts,
  MultiCloudImageFacts,
  ResolutionLevel,
  SettingFacts,
  TemplateFacts,
} from "./types";

/** An MCI with its settings, as loaded for one resolution. */
export interface MultiCloudImageWithSettings<
  I extends ImageFacts,
  T extends InstanceTypeFacts,
  M extends MultiCloudImageFacts,
> {
  multiCloudImage: M;
  settings: readonly SettingFacts<I, T>[];
}

/** Everything the rules need to resolve one launch. The shell loads it; nothing here does I/O. */
export interface LaunchInput<I extends ImageFacts, T extends InstanceTypeFacts, M extends MultiCloudImageFacts> {
  kind: LaunchableKind;
  cloud: CloudFacts;
  settings: LaunchSettingsFacts;
  template: TemplateFacts;
  /** At least the MCIs named by `multiCloudImageIdsInChain`; others are ignored. */
  multiCloudImages: ReadonlyMap<string, MultiCloudImageWithSettings<I, T, M>>;
  /** The image named by `settings.imageId`, loaded. */
  imageOverride: I | null;
  /** The instance type named by `settings.instanceTypeId`, loaded. */
  instanceTypeOverride: T | null;
}

/** One level of the chain: what it names for this cloud, and whether that is what the launch will use. */
export interface ResolutionStep<I, T, M> {
  level: ResolutionLevel;
  /** The MCI this level names: the template's default, or the launchable's selection. */
  multiCloudImage: M | null;
  /** The image this level gives: its own override, or the image its MCI has for the cloud. */
  image: I | null;
  /** The instance type this level gives: its own override, or its MCI's default for the cloud. */
  instanceType: T | null;
  decidedMultiCloudImage: boolean;
  decidedImage: boolean;
  decidedInstanceType: boolean;
  summary: string;
}

/** The outcome of rules 1-8 for one launchable. */
export interface ImageResolution<I, T, M> {
  image: I | null;
  instanceType: T | null;
  multiCloudImage: M | null;
  /** Null when there is no image to launch with (the problems say why). */
  imageSource: ImageSource | null;
  tested: boolean;
  launchable: boolean;
  problems: LaunchProblem[];
  steps: ResolutionStep<I, T, M>[];
}

/** Rule 1: the launchable's own MCI selection wins; otherwise the template's default MCI. */
export function chosenMultiCloudImageId(settings: LaunchSettingsFacts, template: TemplateFacts): string | null {
  return settings.multiCloudImageId ?? template.defaultMultiCloudImageId;
}

/**
 * The MCIs a resolution may look at: the launchable's selection and the template's default (the latter is
 * shown as the template's step even when it does not decide). The shell must load at least these.
 */
export function multiCloudImageIdsInChain(settings: LaunchSettingsFacts, template: TemplateFacts): string[] {
  const ids = [settings.multiCloudImageId, template.defaultMultiCloudImageId].filter(
    (id): id is string => id !== null,
  );
  return [...new Set(ids)];
}

const launchableLevel: Record<LaunchableKind, ResolutionLevel> = {
  SERVER: ResolutionLevel.SERVER,
  SERVER_ARRAY: ResolutionLevel.SERVER_ARRAY,
};
const mciSource: Record<LaunchableKind, ImageSource> = {
  SERVER: ImageSource.SERVER_MCI,
  SERVER_ARRAY: ImageSource.SERVER_ARRAY_MCI,
};
const imageSource: Record<LaunchableKind, ImageSource> = {
  SERVER: ImageSource.SERVER_IMAGE,
  SERVER_ARRAY: ImageSource.SERVER_ARRAY_IMAGE,
};
const kindName: Record<LaunchableKind, string> = { SERVER: "server", SERVER_ARRAY: "server array" };

/** Resolves the next launch of a Server or ServerArray by DOMAIN.md's rules 1-8. */
export function resolveLaunch<I extends ImageFacts, T extends InstanceTypeFacts, M extends MultiCloudImageFacts>(
  input: LaunchInput<I, T, M>,
): ImageResolution<I, T, M> {
  const { kind, cloud, settings, template, imageOverride, instanceTypeOverride } = input;
  const who = kindName[kind];
  const problems: LaunchProblem[] = [];

  const entry = (id: string | null) => {
    if (id === null) return null;
    const found = input.multiCloudImages.get(id);
    if (!found) throw new Error(`MultiCloudImage ${id} is in the chain but was not loaded`);
    return found;
  };
  const settingFor = (mci: MultiCloudImageWithSettings<I, T, M> | null) =>
    mci?.settings.find((setting) => setting.cloudId === cloud.id) ?? null;

  // Rule 1: which MCI.
  const chosen = entry(chosenMultiCloudImageId(settings, template));
  // Rule 2: its setting for the cloud.
  const setting = settingFor(chosen);
  // Rules 3 and 4: overrides win over the setting.
  const image = imageOverride ?? setting?.image ?? null;
  const instanceType = instanceTypeOverride ?? setting?.instanceType ?? null;

  // Rule 7's "template without MCIs"; a template whose MCIs have no default (the database forbids it)
  // leaves nothing to choose either, and must not pass for launchable.
  if (template.multiCloudImageIds.length === 0 || chosen === null) {
    problems.push(
      launchProblem(
        LaunchProblemCode.NO_MULTI_CLOUD_IMAGE,
        "serverTemplate",
        template.multiCloudImageIds.length === 0
          ? `ServerTemplate "${template.name}" is not published with any MultiCloud Image; add one and make it the default.`
          : `ServerTemplate "${template.name}" has no default MultiCloud Image; make one of its MultiCloud Images the default.`,
      ),
    );
  }
  if (chosen && !setting) {
    problems.push(
      launchProblem(
        LaunchProblemCode.CLOUD_NOT_SUPPORTED,
        "cloud",
        `MultiCloud Image "${chosen.multiCloudImage.name}" has no setting for cloud "${cloud.name}", so nothing can launch there.`,
      ),
    );
  }

  // Rule 5: where the image comes from.
  const source =
    image === null
      ? null
      : imageOverride
        ? imageSource[kind]
        : settings.multiCloudImageId !== null
          ? mciSource[kind]
          : ImageSource.SERVER_TEMPLATE_DEFAULT_MCI;

  // Rule 6: tested only with no image override and one of the template's own MCIs.
  const listed = chosen !== null && template.multiCloudImageIds.includes(chosen.multiCloudImage.id);
  const tested = !imageOverride && listed;
  if (!tested) {
    const why = imageOverride
      ? `the ${who} overrides the image with ${imageOverride.resourceUid}`
      : chosen
        ? `MultiCloud Image "${chosen.multiCloudImage.name}" is not one of the template's MultiCloud Images`
        : `no MultiCloud Image of the template chose the image`;
    problems.push(
      launchProblem(
        LaunchProblemCode.UNTESTED_COMBINATION,
        imageOverride ? "image" : "multiCloudImage",
        `ServerTemplate "${template.name}" was never tested with this image: ${why}.`,
      ),
    );
  }

  // Rule 7: compatibility.
  const mismatchField = instanceTypeOverride ? "instanceType" : imageOverride ? "image" : "multiCloudImage";
  problems.push(...compatibilityProblems(cloud, image, instanceType, mismatchField));

  // Rule 8: launchable means no blocking problem. An image or instance type is always there then:
  // without one, CLOUD_NOT_SUPPORTED or NO_MULTI_CLOUD_IMAGE has been raised above.
  const launchable = !problems.some(isBlocking) && image !== null && instanceType !== null;

  const defaultEntry = entry(template.defaultMultiCloudImageId);
  const defaultSetting = settingFor(defaultEntry);
  const selected = entry(settings.multiCloudImageId);
  const selectedSetting = settingFor(selected);
  const inherits = selected === null;

  const templateStep: ResolutionStep<I, T, M> = {
    level: ResolutionLevel.SERVER_TEMPLATE,
    multiCloudImage: defaultEntry?.multiCloudImage ?? null,
    image: defaultSetting?.image ?? null,
    instanceType: defaultSetting?.instanceType ?? null,
    decidedMultiCloudImage: inherits && defaultEntry !== null,
    decidedImage: inherits && !imageOverride && image !== null,
    decidedInstanceType: inherits && !instanceTypeOverride && instanceType !== null,
    summary: defaultEntry
      ? `ServerTemplate "${template.name}" defaults to MultiCloud Image "${defaultEntry.multiCloudImage.name}"` +
        (defaultSetting
          ? `, which gives image ${defaultSetting.image.resourceUid} and instance type ${defaultSetting.instanceType.name} in "${cloud.name}".`
          : `, which has no setting for "${cloud.name}".`)
      : `ServerTemplate "${template.name}" has no default MultiCloud Image.`,
  };

  const overrides = [
    selected && `selects MultiCloud Image "${selected.multiCloudImage.name}"`,
    imageOverride && `overrides the image with ${imageOverride.resourceUid}`,
    instanceTypeOverride && `overrides the instance type with ${instanceTypeOverride.name}`,
  ].filter(Boolean);
  const launchableStep: ResolutionStep<I, T, M> = {
    level: launchableLevel[kind],
    multiCloudImage: selected?.multiCloudImage ?? null,
    image: imageOverride ?? selectedSetting?.image ?? null,
    instanceType: instanceTypeOverride ?? selectedSetting?.instanceType ?? null,
    decidedMultiCloudImage: selected !== null,
    decidedImage: image !== null && (imageOverride !== null || selected !== null),
    decidedInstanceType: instanceType !== null && (instanceTypeOverride !== null || selected !== null),
    summary:
      overrides.length === 0
        ? `The ${who} overrides nothing and inherits from its ServerTemplate.`
        : `The ${who} ${overrides.join(", ")}.`,
  };

  return {
    image,
    instanceType,
    multiCloudImage: chosen?.multiCloudImage ?? null,
    imageSource: source,
    tested,
    launchable,
    problems,
    steps: [templateStep, launchableStep],
  };
}
