import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { matchesNextLaunch } from "../../domain";
import {
  Cloud,
  Image,
  Instance,
  InstanceType,
  MultiCloudImage,
  Server,
  ServerArray,
  ServerTemplate,
} from "../../entities";
import { Context } from "../context";
import { loadByGlobalId } from "../lookup";

/** What an instance was launched with is frozen on it; these fields read the frozen record. */
@Resolver(() => Instance)
export class InstanceResolver {
  @Query(() => Instance, { nullable: true, description: "One instance by global id." })
  instance(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Instance | null> {
    return loadByGlobalId(ctx, Instance, id);
  }

  @FieldResolver(() => Image, { description: "The image it was launched with. It never changes." })
  image(@Root() instance: Instance, @Ctx() ctx: Context): Promise<Image> {
    return ctx.loaders.require(Image, instance.imageId);
  }

  @FieldResolver(() => InstanceType, { description: "The instance type it was launched with." })
  instanceType(@Root() instance: Instance, @Ctx() ctx: Context): Promise<InstanceType> {
    return ctx.loaders.require(InstanceType, instance.instanceTypeId);
  }

  @FieldResolver(() => MultiCloudImage, { description: "The MCI in effect at launch." })
  multiCloudImage(@Root() instance: Instance, @Ctx() ctx: Context): Promise<MultiCloudImage> {
    return ctx.loaders.require(MultiCloudImage, instance.multiCloudImageId);
  }

  @FieldResolver(() => Cloud, { description: "The cloud it runs in." })
  cloud(@Root() instance: Instance, @Ctx() ctx: Context): Promise<Cloud> {
    return ctx.loaders.require(Cloud, instance.cloudId);
  }

  @FieldResolver(() => ServerTemplate, { description: "The ServerTemplate it was launched from." })
  serverTemplate(@Root() instance: Instance, @Ctx() ctx: Context): Promise<ServerTemplate> {
    return ctx.loaders.require(ServerTemplate, instance.serverTemplateId);
  }

  @FieldResolver(() => Server, { nullable: true, description: "The server it was launched for; null for array instances." })
  server(@Root() instance: Instance, @Ctx() ctx: Context): Promise<Server | null> {
    return instance.serverId ? ctx.loaders.byId(Server).load(instance.serverId) : Promise.resolve(null);
  }

  @FieldResolver(() => ServerArray, { nullable: true, description: "The array it belongs to; null for server instances." })
  serverArray(@Root() instance: Instance, @Ctx() ctx: Context): Promise<ServerArray | null> {
    return instance.serverArrayId ? ctx.loaders.byId(ServerArray).load(instance.serverArrayId) : Promise.resolve(null);
  }

  @FieldResolver(() => Boolean, {
    description:
      "Whether it runs the image its server's (array's) next launch would use. False means drift: relaunch to apply the new settings.",
  })
  async matchesNextLaunch(@Root() instance: Instance, @Ctx() ctx: Context): Promise<boolean> {
    const parent = instance.serverId
      ? await ctx.loaders.require(Server, instance.serverId)
      : await ctx.loaders.require(ServerArray, instance.serverArrayId as string);
    return matchesNextLaunch(instance, await ctx.resolutions.load(parent));
  }
}
