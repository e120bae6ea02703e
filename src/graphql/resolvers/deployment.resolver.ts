import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Deployment, Server, ServerArray } from "../../entities";
import { connectionOf, Page } from "../connection";
import { Context } from "../context";
import { DeploymentFilter, ListOrderInput, namedList, ServerFilter, serverList, SERVERS_DESCRIPTION } from "../filters";
import { fetchPage } from "../lists";
import { lists } from "../list-queries";
import { loadByGlobalId } from "../lookup";
import { PageArgs, pageRequest } from "../page-args";

const DeploymentConnection = connectionOf(Deployment);
const ServerConnection = connectionOf(Server);
const ServerArrayConnection = connectionOf(ServerArray);

const inDeployment = { column: "deployment_id", read: (row: { deploymentId: string }) => row.deploymentId };

@Resolver(() => Deployment)
export class DeploymentResolver {
  @Query(() => DeploymentConnection, {
    description: "Your account's deployments, by name unless orderBy says otherwise. One SQL statement per page.",
  })
  deployments(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => DeploymentFilter, { nullable: true, description: "Only the deployments that match." })
    filter: DeploymentFilter | null,
    @Arg("orderBy", () => ListOrderInput, { nullable: true, description: "The order; by name when omitted." })
    orderBy: ListOrderInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Deployment>> {
    return fetchPage(ctx.dataSource, ctx.accountId, namedList(lists.deployments, filter, orderBy), pageRequest(page));
  }

  @Query(() => Deployment, { nullable: true, description: "One deployment by global id." })
  deployment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Deployment | null> {
    return loadByGlobalId(ctx, Deployment, id);
  }

  @FieldResolver(() => ServerConnection, {
    description: SERVERS_DESCRIPTION(
      "The deployment's servers (one page for many deployments costs what one costs: each batch covers them all)",
    ),
  })
  servers(
    @Root() deployment: Deployment,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => ServerFilter, { nullable: true, description: "Only the servers that match." }) filter: ServerFilter | null,
    @Arg("orderBy", () => ListOrderInput, { nullable: true, description: "The order; by name when omitted." })
    orderBy: ListOrderInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Server>> {
    const list = serverList(ctx, lists.servers, filter, orderBy);
    return ctx.loaders.pageByParent(list, pageRequest(page), inDeployment, deployment.id);
  }

  @FieldResolver(() => ServerArrayConnection, { description: "The deployment's server arrays, by name." })
  serverArrays(
    @Root() deployment: Deployment,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Page<ServerArray>> {
    return ctx.loaders.pageByParent(lists.serverArrays, pageRequest(page), inDeployment, deployment.id);
  }
}
