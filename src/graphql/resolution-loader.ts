import DataLoader from "dataloader";
import {
  ImageResolution,
  LaunchableKind,
  LaunchSettingsFacts,
  MultiCloudImageWithSettings,
  resolveLaunch,
} from "../domain";
import { Image, InstanceType, MultiCloudImage } from "../entities";
import { loadLaunchCatalog } from "./launch-catalog";
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

/** One string per combination of launch inputs; no override is the empty string. */
export const inputsKey = (l: LaunchInputs) =>
  [l.kind, l.serverTemplateId, l.cloudId, l.multiCloudImageId, l.imageId, l.instanceTypeId].join(":");

const unique = (ids: (string | null)[]) => [...new Set(ids.filter((id): id is string => id !== null))];

/**
 * Resolves the next launch of many servers and arrays at once: one statement loads what the rules will look
 * at, whatever the number of launchables (the launch catalog: templates, MCIs, settings, images, instance
 * types, clouds), then the pure rules decide. Keyed by the launch inputs, not by row: the rules are pure, and a
 * fleet has few distinct combinations, so each is resolved once per request and the (read-only) result shared.
 * Nothing is stored: every request sees what is in the database now.
 */
export function createResolutionLoader(loaders: Loaders): ResolutionLoader {
  return new DataLoader<LaunchInputs, Resolution, string>(
    async (launchables: readonly LaunchInputs[]) => {
      const catalog = await loadLaunchCatalog(loaders, {
        serverTemplateIds: unique(launchables.map((l) => l.serverTemplateId)),
        multiCloudImageIds: unique(launchables.map((l) => l.multiCloudImageId)),
        imageIds: unique(launchables.map((l) => l.imageId)),
        instanceTypeIds: unique(launchables.map((l) => l.instanceTypeId)),
        cloudIds: unique(launchables.map((l) => l.cloudId)),
      });
      // Through `loaders.templates`, which the catalog has filled: a what-if sees its adjusted templates there.
      const facts = await Promise.all(
        launchables.map(async (l) => {
          const template = await loaders.templates.load(l.serverTemplateId);
          if (!template) throw new Error(`ServerTemplate ${l.serverTemplateId} is referenced but not visible`);
          return template.facts;
        }),
      );
      const image = (id: string) => must(catalog.images.get(id), "Image", id);
      const instanceType = (id: string) => must(catalog.instanceTypes.get(id), "InstanceType", id);
      const loaded = new Map<string, LoadedMci>(
        [...catalog.multiCloudImages].map(([id, { multiCloudImage, settings }]) => [
          id,
          {
            multiCloudImage,
            settings: settings.map((s) => ({
              cloudId: s.cloudId,
              image: image(s.imageId),
              instanceType: instanceType(s.instanceTypeId),
            })),
          },
        ]),
      );
      return launchables.map((l, i) =>
        resolveLaunch({
          kind: l.kind,
          cloud: must(catalog.clouds.get(l.cloudId), "Cloud", l.cloudId),
          settings: l,
          template: facts[i],
          multiCloudImages: loaded,
          imageOverride: l.imageId ? image(l.imageId) : null,
          instanceTypeOverride: l.instanceTypeId ? instanceType(l.instanceTypeId) : null,
        }),
      );
    },
    { cacheKeyFn: inputsKey },
  );
}

function must<T>(row: T | undefined, type: string, id: string): T {
  if (!row) throw new Error(`${type} ${id} is referenced but not visible`);
  return row;
}
