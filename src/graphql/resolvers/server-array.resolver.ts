import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Instance, ServerArray } from "../../entities";
import { connectionOf, Page } from "../connection";
import { Context } from "../context";
import { fetchPage } from "../lists";
import { lists } from "../list-queries";
import { loadByGlobalId } from "../lookup";
import { PageArgs, pageRequest } from "../page-args";
import { launchableFields } from "./launchable-fields";

const ServerArrayConnection = connectionOf(ServerArray);
const InstanceConnection = connectionOf(Instance);

@Resolver(() => ServerArray)
export class ServerArrayResolver extends launchableFields(ServerArray, "server array") {
  @Query(() => ServerArrayConnection, { description: "Every server array of your account, by name." })
  serverArrays(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<ServerArray>> {
    return fetchPage(ctx.dataSource, ctx.accountId, lists.serverArrays, pageRequest(page));
  }

  @Query(() => ServerArray, { nullable: true, description: "One server array by global id." })
  serverArray(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<ServerArray | null> {
    return loadByGlobalId(ctx, ServerArray, id);
  }

  @FieldResolver(() => InstanceConnection, {
    description:
      "The array's instances, newest first: running ones and history. Each keeps the image it was launched with.",
  })
  instances(
    @Root() array: ServerArray,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("running", () => Boolean, { nullable: true, description: "true: only live instances; false: only terminated." })
    running: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Instance>> {
    const filters =
      running === null || running === undefined
        ? []
        : [{ sql: running ? "t.state <> 'TERMINATED'" : "t.state = 'TERMINATED'" }];
    return ctx.loaders.pageByParent(
      { ...lists.instances, name: `instances:${running}`, filters },
      pageRequest(page),
      { column: "server_array_id", read: (row) => row.serverArrayId },
      array.id,
    );
  }
}

