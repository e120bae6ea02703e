import { ClassType, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { ImageSource } from "../../domain";
import { Cloud, Deployment, Image, InstanceType, MultiCloudImage, ServerTemplate } from "../../entities";
import { Launchable } from "../../entities/launchable";
import { Context } from "../context";
import { ImageResolution } from "../resolution-types";

/**
 * The fields Server and ServerArray share: their stored settings and their next launch, resolved lazily
 * (only when asked) and in batches (one resolution per launchable per request, however many fields ask).
 */
export function launchableFields<T extends Launchable>(type: ClassType<T>, noun: string) {
  @Resolver(() => type)
  abstract class LaunchableFields {
    @FieldResolver(() => Deployment, { description: `The deployment the ${noun} belongs to.` })
    deployment(@Root() l: T, @Ctx() ctx: Context): Promise<Deployment> {
      return ctx.loaders.require(Deployment, l.deploymentId);
    }

    @FieldResolver(() => ServerTemplate, { description: `What the ${noun} runs.` })
    serverTemplate(@Root() l: T, @Ctx() ctx: Context): Promise<ServerTemplate> {
      return ctx.loaders.require(ServerTemplate, l.serverTemplateId);
    }

    @FieldResolver(() => Cloud, { description: `The cloud the ${noun} launches into.` })
    cloud(@Root() l: T, @Ctx() ctx: Context): Promise<Cloud> {
      return ctx.loaders.require(Cloud, l.cloudId);
    }

    @FieldResolver(() => MultiCloudImage, {
      nullable: true,
      description: `Stored override: the MCI the ${noun} selects; null inherits the template's default MCI.`,
    })
    multiCloudImage(@Root() l: T, @Ctx() ctx: Context): Promise<MultiCloudImage | null> {
      return l.multiCloudImageId ? ctx.loaders.byId(MultiCloudImage).load(l.multiCloudImageId) : Promise.resolve(null);
    }

    @FieldResolver(() => Image, {
      nullable: true,
      description: `Stored override: the image the ${noun} uses instead of its MCI's; null inherits.`,
    })
    image(@Root() l: T, @Ctx() ctx: Context): Promise<Image | null> {
      return l.imageId ? ctx.loaders.byId(Image).load(l.imageId) : Promise.resolve(null);
    }

    @FieldResolver(() => InstanceType, {
      nullable: true,
      description: `Stored override: the instance type the ${noun} uses instead of its MCI's default; null inherits.`,
    })
    instanceType(@Root() l: T, @Ctx() ctx: Context): Promise<InstanceType | null> {
      return l.instanceTypeId ? ctx.loaders.byId(InstanceType).load(l.instanceTypeId) : Promise.resolve(null);
    }

    @FieldResolver(() => ImageResolution, {
      description: `How the ${noun}'s next launch is resolved: the outcome, the problems and the chain level by level.`,
    })
    imageResolution(@Root() l: T, @Ctx() ctx: Context): Promise<ImageResolution> {
      return ctx.resolutions.load(l);
    }

    @FieldResolver(() => Image, {
      nullable: true,
      description: `The image the ${noun}'s next launch uses; null when unresolvable (see imageResolution.problems).`,
    })
    async effectiveImage(@Root() l: T, @Ctx() ctx: Context): Promise<Image | null> {
      return (await ctx.resolutions.load(l)).image;
    }

    @FieldResolver(() => ImageSource, {
      nullable: true,
      description: `Which level chose the image of the ${noun}'s next launch; null when there is no image.`,
    })
    async imageSource(@Root() l: T, @Ctx() ctx: Context): Promise<ImageSource | null> {
      return (await ctx.resolutions.load(l)).imageSource;
    }

    @FieldResolver(() => InstanceType, { nullable: true, description: `The instance type of the ${noun}'s next launch.` })
    async effectiveInstanceType(@Root() l: T, @Ctx() ctx: Context): Promise<InstanceType | null> {
      return (await ctx.resolutions.load(l)).instanceType;
    }

    @FieldResolver(() => MultiCloudImage, {
      nullable: true,
      description: `The MCI in effect for the ${noun}'s next launch: its selection, else the template's default.`,
    })
    async effectiveMultiCloudImage(@Root() l: T, @Ctx() ctx: Context): Promise<MultiCloudImage | null> {
      return (await ctx.resolutions.load(l)).multiCloudImage;
    }
  }
  return LaunchableFields;
}
