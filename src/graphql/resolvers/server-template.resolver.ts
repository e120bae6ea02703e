import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { MultiCloudImage, ServerTemplate } from "../../entities";
import { connectionOf, Page } from "../connection";
import { Context } from "../context";
import { ListOrderInput, ServerTemplateFilter, namedList } from "../filters";
import { fetchPage } from "../lists";
import { lists } from "../list-queries";
import { loadByGlobalId } from "../lookup";
import { PageArgs, pageRequest } from "../page-args";

const ServerTemplateConnection = connectionOf(ServerTemplate);

@Resolver(() => ServerTemplate)
export class ServerTemplateResolver {
  @Query(() => ServerTemplateConnection, {
    description: "Your account's ServerTemplates, by name unless orderBy says otherwise. One SQL statement per page.",
  })
  serverTemplates(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => ServerTemplateFilter, { nullable: true, description: "Only the items that match." })
    filter: ServerTemplateFilter | null,
    @Arg("orderBy", () => ListOrderInput, { nullable: true, description: "The order; by name when omitted." })
    orderBy: ListOrderInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<ServerTemplate>> {
    return fetchPage(ctx.dataSource, ctx.accountId, namedList(lists.serverTemplates, filter, orderBy), pageRequest(page));
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
