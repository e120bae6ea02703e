import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { entities } from "../../entities";
import { Context } from "../context";
import { fromGlobalId, Node } from "../node";
import { badInput } from "../page-args";

const MAX_NODES = 100;

/** The entity behind each type name that carries a global id. */
const nodeEntities = new Map<string, (typeof entities)[number]>(
  entities.filter((entity) => entity.prototype instanceof Node).map((entity) => [entity.name, entity]),
);

/** Finds any object by its global id, as the caller's account may see it; null otherwise. */
export async function loadNode(ctx: Context, globalId: string): Promise<Node | null> {
  const parsed = fromGlobalId(globalId);
  const entity = parsed && nodeEntities.get(parsed.typeName);
  if (!parsed || !entity) return null;
  return (await ctx.loaders.byId(entity as new () => Node).load(parsed.id)) ?? null;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global id; null when it does not exist for you." })
  node(@Arg("id", () => ID, { description: "A global id." }) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    return loadNode(ctx, id);
  }

  @Query(() => [Node], {
    nullable: "items",
    description: `Objects by global id, in the order asked (null for each unknown id); at most ${MAX_NODES}.`,
  })
  async nodes(
    @Arg("ids", () => [ID], { description: "Global ids." }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<(Node | null)[]> {
    if (ids.length > MAX_NODES) {
      throw badInput(`"ids" takes at most ${MAX_NODES} ids, not ${ids.length}.`, "ids");
    }
    return Promise.all(ids.map((id) => loadNode(ctx, id)));
  }
}
