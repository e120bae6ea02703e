import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { hasImageDrift, ImageSource } from "../domain";
import { Server } from "../entities";
import { ServerState } from "../entities/states";
import { Context } from "./context";
import "./enums";
import { byCreatedAt, byName, ListFilter, ListOrder, ListQuery, SCAN_BATCH } from "./lists";
import { fromGlobalId } from "./node";
import { badInput } from "./page-args";

/**
 * The narrowing and ordering arguments of the lists frontends page through. Filters on stored columns become
 * SQL; the ones about the next launch (imageSource, drifted, untested, launchable) are decided by the rules of
 * src/domain on the resolved rows, never by SQL (see ListQuery.keep).
 */

export enum ListOrderField {
  NAME = "NAME",
  CREATED_AT = "CREATED_AT",
}

export enum OrderDirection {
  ASC = "ASC",
  DESC = "DESC",
}

registerEnumType(ListOrderField, {
  name: "ListOrderField",
  description: "What a list is sorted by. Ties are broken by id, so the order is total and pages are stable.",
  valuesConfig: {
    NAME: { description: "By name (byte order of the database's collation), then id." },
    CREATED_AT: { description: "By creation time, then id." },
  },
});

registerEnumType(OrderDirection, {
  name: "OrderDirection",
  description: "Which way a list is sorted.",
  valuesConfig: {
    ASC: { description: "Ascending: A to Z, oldest first." },
    DESC: { description: "Descending: Z to A, newest first." },
  },
});

@InputType("ListOrder", {
  description:
    "How to sort a list. Cursors remember the order they were given with: pass the same orderBy with `after`, " +
    "or the cursor is refused as BAD_USER_INPUT.",
})
export class ListOrderInput {
  @Field(() => ListOrderField, { description: "The sort key." })
  field: ListOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: "The direction; ascending when omitted." })
  direction: OrderDirection;
}

/** The list order an `orderBy` argument asks for; by name, ascending, when there is none. */
export function listOrder<T extends { id: string; name: string; createdAt: Date }>(
  orderBy: ListOrderInput | null | undefined,
): ListOrder<T> {
  const descending = orderBy?.direction === OrderDirection.DESC;
  return orderBy?.field === ListOrderField.CREATED_AT ? byCreatedAt<T>(descending) : byName<T>(descending);
}

/** The name condition every filter has. */
interface NameFilter {
  nameContains?: string | null;
}

const NAME_CONTAINS = {
  nullable: true,
  description: "Only items whose name contains this text, ignoring case. % and _ are plain characters here.",
} as const;

@InputType({ description: "Narrows the deployments list. Every condition given must hold." })
export class DeploymentFilter implements NameFilter {
  @Field(() => String, NAME_CONTAINS)
  nameContains?: string | null;
}

@InputType({ description: "Narrows the ServerTemplates list. Every condition given must hold." })
export class ServerTemplateFilter implements NameFilter {
  @Field(() => String, NAME_CONTAINS)
  nameContains?: string | null;
}

@InputType({ description: "Narrows the MultiCloud Images list. Every condition given must hold." })
export class MultiCloudImageFilter implements NameFilter {
  @Field(() => String, NAME_CONTAINS)
  nameContains?: string | null;
}

@InputType({
  description:
    "Narrows a servers list; every condition given must hold. deploymentId, cloudId, serverTemplateId, nameContains " +
    "and state are answered by the database. imageSource, drifted, untested and launchable are about the next " +
    "launch: the resolution rules decide them, so the servers that pass the other conditions are scanned in the " +
    "list's order and resolved in batches of 200 (see the servers field for the cost).",
})
export class ServerFilter implements NameFilter {
  @Field(() => String, NAME_CONTAINS)
  nameContains?: string | null;

  @Field(() => ID, { nullable: true, description: "Only the servers of this deployment." })
  deploymentId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only the servers launching into this cloud." })
  cloudId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only the servers running this ServerTemplate." })
  serverTemplateId?: string | null;

  @Field(() => ServerState, {
    nullable: true,
    description: "Only the servers in this state (their current instance's state; INACTIVE: none).",
  })
  state?: ServerState | null;

  @Field(() => ImageSource, {
    nullable: true,
    description: "Only the servers whose next launch takes its image from this level (computed by the rules).",
  })
  imageSource?: ImageSource | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: only servers that run an image other than their next launch's (imageDrift); false: the others.",
  })
  drifted?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: only servers whose next launch is an untested combination (imageResolution.tested false); false: the others.",
  })
  untested?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: only servers whose next launch has no blocking problem; false: only the unlaunchable ones.",
  })
  launchable?: boolean | null;
}

/** Escapes LIKE's wildcards and its escape character, so the text matches literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function nameContainsSql(text: string): ListFilter {
  return { sql: `t.name ILIKE :filterNameContains ESCAPE '\\'`, params: { filterNameContains: `%${likeLiteral(text)}%` } };
}

/** The row id behind a global id given in a filter; BAD_USER_INPUT when it is not an id of that type. */
function rowIdIn(globalId: string, typeName: string, field: string): string {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.typeName !== typeName) throw badInput(`"filter.${field}" is not a ${typeName} id.`, "filter");
  return parsed.id;
}

const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/** A list narrowed by name and sorted as asked; its name keys the per-request page loaders. */
export function namedList<T extends { id: string; name: string; createdAt: Date }>(
  list: ListQuery<T> & { name: string },
  filter: NameFilter | null | undefined,
  orderBy: ListOrderInput | null | undefined,
): ListQuery<T> & { name: string } {
  const order = listOrder<T>(orderBy);
  const filters = [...(list.filters ?? [])];
  if (given(filter?.nameContains)) filters.push(nameContainsSql(filter.nameContains));
  return { ...list, name: `${list.name}:${order.key}:${JSON.stringify(filter ?? {})}`, order, filters };
}

/** The servers list narrowed by a ServerFilter and sorted as asked. */
export function serverList(
  ctx: Context,
  list: ListQuery<Server> & { name: string },
  filter: ServerFilter | null | undefined,
  orderBy: ListOrderInput | null | undefined,
): ListQuery<Server> & { name: string } {
  const named = namedList(list, filter, orderBy);
  if (!filter) return named;
  const filters = named.filters ?? [];
  if (given(filter.deploymentId)) {
    filters.push({ sql: "t.deployment_id = :filterDeploymentId", params: { filterDeploymentId: rowIdIn(filter.deploymentId, "Deployment", "deploymentId") } });
  }
  if (given(filter.cloudId)) {
    filters.push({ sql: "t.cloud_id = :filterCloudId", params: { filterCloudId: rowIdIn(filter.cloudId, "Cloud", "cloudId") } });
  }
  if (given(filter.serverTemplateId)) {
    filters.push({
      sql: "t.server_template_id = :filterServerTemplateId",
      params: { filterServerTemplateId: rowIdIn(filter.serverTemplateId, "ServerTemplate", "serverTemplateId") },
    });
  }
  if (given(filter.state)) {
    // A server's state is its live (not terminated) instance's; INACTIVE is having none.
    filters.push(
      filter.state === ServerState.INACTIVE
        ? { sql: "NOT EXISTS (SELECT 1 FROM instance live WHERE live.server_id = t.id AND live.state <> 'TERMINATED')" }
        : {
            sql: "EXISTS (SELECT 1 FROM instance live WHERE live.server_id = t.id AND live.state = :filterState)",
            params: { filterState: filter.state },
          },
    );
  }

  const { imageSource, drifted, untested, launchable } = filter;
  if (![imageSource, drifted, untested, launchable].some(given)) return { ...named, filters };
  const keep = async (servers: Server[]): Promise<boolean[]> => {
    const [resolutions, currents] = await Promise.all([
      ctx.resolutions.loadMany(servers),
      given(drifted) ? ctx.loaders.currentInstanceByServer.loadMany(servers.map((s) => s.id)) : null,
    ]);
    return servers.map((_, i) => {
      const next = resolutions[i];
      if (next instanceof Error) throw next;
      if (given(imageSource) && next.imageSource !== imageSource) return false;
      if (given(untested) && !next.tested !== untested) return false;
      if (given(launchable) && next.launchable !== launchable) return false;
      if (given(drifted) && currents) {
        const current = currents[i];
        if (current instanceof Error) throw current;
        if (hasImageDrift(current, next) !== drifted) return false;
      }
      return true;
    });
  };
  return { ...named, filters, keep };
}

/** The description of a servers connection with filter and orderBy, including what a page costs. */
export const SERVERS_DESCRIPTION = (what: string) =>
  `${what}, by name unless orderBy says otherwise, narrowed by filter. Cost: with no filter or only stored ` +
  `conditions (deploymentId, cloudId, serverTemplateId, nameContains, state), one SQL statement per page. With ` +
  `a next-launch condition (imageSource, drifted, untested, launchable), the matching servers are scanned in ` +
  `the list's order ${SCAN_BATCH} at a time until first + 1 matches are found or the servers run out; each ` +
  `batch costs one statement plus the batched resolution of its servers (at most about 8 statements, fewer ` +
  `once the templates, MCIs, images and instance types are loaded), so a page of a rare match costs more ` +
  `batches, never more statements per batch.`;
