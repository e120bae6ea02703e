import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Deployment, Server, ServerArray } from "../../entities";
import { connectionOf, Page } from "../connection";
import { Context } from "../context";
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
  @Query(() => DeploymentConnection, { description: "Your account's deployments, by name." })
  deployments(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<Deployment>> {
    return fetchPage(ctx.dataSource, ctx.accountId, lists.deployments, pageRequest(page));
  }

  @Query(() => Deployment, { nullable: true, description: "One deployment by global id." })
  deployment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Deployment | null> {
    return loadByGlobalId(ctx, Deployment, id);
  }

  @FieldResolver(() => ServerConnection, { description: "The deployment's servers, by name." })
  servers(@Root() deployment: Deployment, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<Server>> {
    return ctx.loaders.pageByParent(lists.servers, pageRequest(page), inDeployment, deployment.id);
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
