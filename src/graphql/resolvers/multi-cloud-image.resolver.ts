import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Cloud, Image, InstanceType, MultiCloudImage, MultiCloudImageSetting } from "../../entities";
import { connectionOf, Page } from "../connection";
import { Context } from "../context";
import { ListOrderInput, MultiCloudImageFilter, namedList } from "../filters";
import { fetchPage } from "../lists";
import { lists } from "../list-queries";
import { loadByGlobalId } from "../lookup";
import { PageArgs, pageRequest } from "../page-args";

const MultiCloudImageConnection = connectionOf(MultiCloudImage);

@Resolver(() => MultiCloudImage)
export class MultiCloudImageResolver {
  @Query(() => MultiCloudImageConnection, {
    description: "Your account's MultiCloud Images, by name unless orderBy says otherwise. One SQL statement per page.",
  })
  multiCloudImages(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => MultiCloudImageFilter, { nullable: true, description: "Only the items that match." })
    filter: MultiCloudImageFilter | null,
    @Arg("orderBy", () => ListOrderInput, { nullable: true, description: "The order; by name when omitted." })
    orderBy: ListOrderInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<MultiCloudImage>> {
    return fetchPage(ctx.dataSource, ctx.accountId, namedList(lists.multiCloudImages, filter, orderBy), pageRequest(page));
  }

  @Query(() => MultiCloudImage, { nullable: true, description: "One MultiCloud Image by global id." })
  multiCloudImage(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<MultiCloudImage | null> {
    return loadByGlobalId(ctx, MultiCloudImage, id);
  }

  @FieldResolver(() => [MultiCloudImageSetting], { description: "One setting per supported cloud." })
  settings(@Root() mci: MultiCloudImage, @Ctx() ctx: Context): Promise<MultiCloudImageSetting[]> {
    return ctx.loaders.settingsByMultiCloudImage.load(mci.id);
  }

  @FieldResolver(() => [Cloud], { description: "The clouds this MCI has a setting for." })
  async supportedClouds(@Root() mci: MultiCloudImage, @Ctx() ctx: Context): Promise<Cloud[]> {
    const settings = await ctx.loaders.settingsByMultiCloudImage.load(mci.id);
    return ctx.loaders.many(Cloud, settings.map((setting) => setting.cloudId));
  }
}

@Resolver(() => MultiCloudImageSetting)
export class MultiCloudImageSettingResolver {
  @FieldResolver(() => MultiCloudImage, { description: "The MCI this setting belongs to." })
  multiCloudImage(@Root() setting: MultiCloudImageSetting, @Ctx() ctx: Context): Promise<MultiCloudImage> {
    return ctx.loaders.require(MultiCloudImage, setting.multiCloudImageId);
  }

  @FieldResolver(() => Cloud, { description: "The cloud this setting is for." })
  cloud(@Root() setting: MultiCloudImageSetting, @Ctx() ctx: Context): Promise<Cloud> {
    return ctx.loaders.require(Cloud, setting.cloudId);
  }

  @FieldResolver(() => Image, { description: "The image to launch with in this cloud." })
  image(@Root() setting: MultiCloudImageSetting, @Ctx() ctx: Context): Promise<Image> {
    return ctx.loaders.require(Image, setting.imageId);
  }

  @FieldResolver(() => InstanceType, { description: "The default instance type in this cloud." })
  instanceType(@Root() setting: MultiCloudImageSetting, @Ctx() ctx: Context): Promise<InstanceType> {
    return ctx.loaders.require(InstanceType, setting.instanceTypeId);
  }
}
