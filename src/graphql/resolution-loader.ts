import DataLoader from "dataloader";
import {
  ImageResolution,
  LaunchableKind,
  LaunchSettingsFacts,
  multiCloudImageIdsInChain,
  MultiCloudImageWithSettings,
  resolveLaunch,
} from "../domain";
import { Cloud, Image, InstanceType, MultiCloudImage, MultiCloudImageSetting } from "../entities";
import { Loaders } from "./loaders";

export type Resolution = ImageResolution<Image, InstanceType, MultiCloudImage>;
type LoadedMci = MultiCloudImageWithSettings<Image, InstanceType, MultiCloudImage>;

/**
 * Everything a next launch depends on besides the shared catalog: the kind, template, cloud and overrides. A
 * Server or ServerArray is one; so is a group of them with the same settings, which is how views count whole
 * fleets without loading each row.
 */
export interface LaunchInputs extends LaunchSettingsFacts {
  kind: LaunchableKind;
  serverTemplateId: string;
  cloudId: string;
}

export type ResolutionLoader = DataLoader<LaunchInputs, Resolution, string>;

const inputsKey = (l: LaunchInputs) =>
  [l.kind, l.serverTemplateId, l.cloudId, l.multiCloudImageId, l.imageId, l.instanceTypeId].join(":");

const unique = (ids: (string | null)[]) => [...new Set(ids.filter((id): id is string => id !== null))];

/**
 * Resolves the next launch of many servers and arrays at once: it loads, level by level, only what the
 * rules will look at (through the shared loaders, so each kind of row costs one statement), then asks the
 * pure rules. Keyed by the launch inputs, not by row: the rules are pure, and a fleet has few distinct
 * combinations, so each is resolved once per request and the (read-only) result shared. Nothing is stored:
 * every request sees what is in the database now.
 */
export function createResolutionLoader(loaders: Loaders): ResolutionLoader {
  return new DataLoader<LaunchInputs, Resolution, string>(
    async (launchables: readonly LaunchInputs[]) => {
      // Prime the caches in one batch each; the lookups below then read from them.
      await Promise.all([
        loaders.templates.loadMany(unique(launchables.map((l) => l.serverTemplateId))),
        loaders.many(Cloud, unique(launchables.map((l) => l.cloudId))),
      ]);
      const templateOf = async (l: LaunchInputs) => {
        const template = await loaders.templates.load(l.serverTemplateId);
        if (!template) throw new Error(`ServerTemplate ${l.serverTemplateId} is referenced but not visible`);
        return template.facts;
      };
      const facts = await Promise.all(launchables.map(templateOf));
      const mciIds = unique(launchables.flatMap((l, i) => multiCloudImageIdsInChain(l, facts[i])));
      const withSettings = (await loaders.multiCloudImagesWithSettings.loadMany(mciIds)).filter(
        (found): found is { multiCloudImage: MultiCloudImage; settings: MultiCloudImageSetting[] } => {
          if (found instanceof Error) throw found; // a failed load is an outage, never "no such MCI"
          return found !== null;
        },
      );
      const mcis = withSettings.map((found) => found.multiCloudImage);
      const settingRows = withSettings.flatMap((found) => found.settings);
      const settingsByMci = new Map(withSettings.map((found) => [found.multiCloudImage.id, found.settings]));
      const settingsOf = (mciId: string) => settingsByMci.get(mciId) ?? [];
      const [images, instanceTypes] = await Promise.all([
        loaders.many(Image, unique([...launchables.map((l) => l.imageId), ...settingRows.map((s) => s.imageId)])),
        loaders.many(
          InstanceType,
          unique([...launchables.map((l) => l.instanceTypeId), ...settingRows.map((s) => s.instanceTypeId)]),
        ),
      ]);
      const imageById = new Map(images.map((row) => [row.id, row]));
      const typeById = new Map(instanceTypes.map((row) => [row.id, row]));
      const loaded = new Map<string, LoadedMci>(
        mcis.map((mci) => [
          mci.id,
          {
            multiCloudImage: mci,
            settings: settingsOf(mci.id).map((s) => ({
              cloudId: s.cloudId,
              image: must(imageById.get(s.imageId), "Image", s.imageId),
              instanceType: must(typeById.get(s.instanceTypeId), "InstanceType", s.instanceTypeId),
            })),
          },
        ]),
      );
      return Promise.all(
        launchables.map(async (l, i) =>
          resolveLaunch({
            kind: l.kind,
            cloud: await loaders.require(Cloud, l.cloudId),
            settings: l,
            template: facts[i],
            multiCloudImages: loaded,
            imageOverride: l.imageId ? must(imageById.get(l.imageId), "Image", l.imageId) : null,
            instanceTypeOverride: l.instanceTypeId
              ? must(typeById.get(l.instanceTypeId), "InstanceType", l.instanceTypeId)
              : null,
          }),
        ),
      );
    },
    { cacheKeyFn: inputsKey },
  );
}

function must<T>(row: T | undefined, type: string, id: string): T {
  if (!row) throw new Error(`${type} ${id} is referenced but not visible`);
  return row;
}
