import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { hasImageDrift } from "../../domain";
import { Instance, Server } from "../../entities";
import { ServerState } from "../../entities/states";
import { connectionOf, Page } from "../connection";
import { Context } from "../context";
import { ListOrderInput, ServerFilter, serverList, SERVERS_DESCRIPTION } from "../filters";
import { fetchPage } from "../lists";
import { lists } from "../list-queries";
import { loadByGlobalId } from "../lookup";
import { PageArgs, pageRequest } from "../page-args";
import { launchableFields } from "./launchable-fields";

const ServerConnection = connectionOf(Server);
const InstanceConnection = connectionOf(Instance);

@Resolver(() => Server)
export class ServerResolver extends launchableFields(Server, "server") {
  @Query(() => ServerConnection, { description: SERVERS_DESCRIPTION("Every server of your account") })
  servers(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => ServerFilter, { nullable: true, description: "Only the servers that match." }) filter: ServerFilter | null,
    @Arg("orderBy", () => ListOrderInput, { nullable: true, description: "The order; by name when omitted." })
    orderBy: ListOrderInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Server>> {
    return fetchPage(ctx.dataSource, ctx.accountId, serverList(ctx, lists.servers, filter, orderBy), pageRequest(page));
  }

  @Query(() => Server, { nullable: true, description: "One server by global id." })
  server(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Server | null> {
    return loadByGlobalId(ctx, Server, id);
  }

  @FieldResolver(() => Instance, { nullable: true, description: "What runs now; null when the server is not running." })
  currentInstance(@Root() server: Server, @Ctx() ctx: Context): Promise<Instance | null> {
    return ctx.loaders.currentInstanceByServer.load(server.id);
  }

  @FieldResolver(() => ServerState, { description: "The current instance's state, or INACTIVE." })
  async state(@Root() server: Server, @Ctx() ctx: Context): Promise<ServerState> {
    const current = await ctx.loaders.currentInstanceByServer.load(server.id);
    return current ? (current.state as unknown as ServerState) : ServerState.INACTIVE;
  }

  @FieldResolver(() => Boolean, {
    description:
      "True when the server runs on an image other than the one its next launch would use. A server that is not running has no drift.",
  })
  async imageDrift(@Root() server: Server, @Ctx() ctx: Context): Promise<boolean> {
    const [current, next] = await Promise.all([
      ctx.loaders.currentInstanceByServer.load(server.id),
      ctx.resolutions.load(server),
    ]);
    return hasImageDrift(current, next);
  }

  @FieldResolver(() => InstanceConnection, { description: "Every instance the server has launched, newest first." })
  instances(@Root() server: Server, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<Instance>> {
    return ctx.loaders.pageByParent(
      lists.instances,
      pageRequest(page),
      { column: "server_id", read: (row) => row.serverId },
      server.id,
    );
  }
}
