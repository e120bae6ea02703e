import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { MultiCloudImage, ServerTemplate } from "../../entities";
import { connectionOf, Page } from "../connection";
import { Context } from "../context";
import { fetchPage } from "../lists";
import { lists } from "../list-queries";
import { loadByGlobalId } from "../lookup";
import { PageArgs, pageRequest } from "../page-args";

const ServerTemplateConnection = connectionOf(ServerTemplate);

@Resolver(() => ServerTemplate)
export class ServerTemplateResolver {
  @Query(() => ServerTemplateConnection, { description: "Your account's ServerTemplates, by name." })
  serverTemplates(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<ServerTemplate>> {
    return fetchPage(ctx.dataSource, ctx.accountId, lists.serverTemplates, pageRequest(page));
  }

  @Query(() => ServerTemplate, { nullable: true, description: "One ServerTemplate by global id." })
  serverTemplate(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<ServerTemplate | null> {
    return loadByGlobalId(ctx, ServerTemplate, id);
  }

  @FieldResolver(() => [MultiCloudImage], {
    description: "The MCIs the template is published with (the tested ones), in publishing order.",
  })
  async multiCloudImages(@Root() template: ServerTemplate, @Ctx() ctx: Context): Promise<MultiCloudImage[]> {
    const loaded = await ctx.loaders.templates.load(template.id);
    return ctx.loaders.many(MultiCloudImage, loaded?.facts.multiCloudImageIds ?? []);
  }

  @FieldResolver(() => MultiCloudImage, {
    nullable: true,
    description: "The MCI servers inherit unless they select another; null only while the template has no MCIs.",
  })
  async defaultMultiCloudImage(@Root() template: ServerTemplate, @Ctx() ctx: Context): Promise<MultiCloudImage | null> {
    const defaultId = (await ctx.loaders.templates.load(template.id))?.facts.defaultMultiCloudImageId;
    return defaultId ? ctx.loaders.byId(MultiCloudImage).load(defaultId) : null;
  }
}
