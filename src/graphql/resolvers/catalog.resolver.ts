import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Cloud, Image, InstanceType } from "../../entities";
import { connectionOf, Page } from "../connection";
import { Context } from "../context";
import { fetchPage } from "../lists";
import { lists } from "../list-queries";
import { loadByGlobalId } from "../lookup";
import { PageArgs, pageRequest } from "../page-args";

const CloudConnection = connectionOf(Cloud);
const ImageConnection = connectionOf(Image);
const InstanceTypeConnection = connectionOf(InstanceType);

@Resolver(() => Cloud)
export class CloudResolver {
  @Query(() => CloudConnection, { description: "The clouds you can launch into, by name." })
  clouds(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<Cloud>> {
    return fetchPage(ctx.dataSource, ctx.accountId, lists.clouds, pageRequest(page));
  }

  @Query(() => Cloud, { nullable: true, description: "One cloud by global id." })
  cloud(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Cloud | null> {
    return loadByGlobalId(ctx, Cloud, id);
  }
}

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => ImageConnection, { description: "Public images and your account's private ones, by name." })
  images(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<Image>> {
    return fetchPage(ctx.dataSource, ctx.accountId, lists.images, pageRequest(page));
  }

  @Query(() => Image, { nullable: true, description: "One image by global id." })
  image(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Image | null> {
    return loadByGlobalId(ctx, Image, id);
  }

  @FieldResolver(() => Cloud, { description: "The cloud the image lives in." })
  cloud(@Root() image: Image, @Ctx() ctx: Context): Promise<Cloud> {
    return ctx.loaders.require(Cloud, image.cloudId);
  }
}

@Resolver(() => InstanceType)
export class InstanceTypeResolver {
  @Query(() => InstanceTypeConnection, { description: "Machine sizes of every cloud, by name." })
  instanceTypes(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<InstanceType>> {
    return fetchPage(ctx.dataSource, ctx.accountId, lists.instanceTypes, pageRequest(page));
  }

  @Query(() => InstanceType, { nullable: true, description: "One instance type by global id." })
  instanceType(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<InstanceType | null> {
    return loadByGlobalId(ctx, InstanceType, id);
  }

  @FieldResolver(() => Cloud, { description: "The cloud the instance type belongs to." })
  cloud(@Root() instanceType: InstanceType, @Ctx() ctx: Context): Promise<Cloud> {
    return ctx.loaders.require(Cloud, instanceType.cloudId);
  }
}
