import DataLoader from "dataloader";
import { ObjectLiteral } from "typeorm";
import { ClassType } from "type-graphql";
import {
  Image,
  Instance,
  MultiCloudImageSetting,
  ServerTemplate,
  ServerTemplateMultiCloudImage,
} from "../entities";
import { InstanceState } from "../entities/states";
import { TemplateFacts } from "../domain";
import { entitiesFromJson } from "../db/entities-from-json";
import { Page } from "./connection";
import { Db, fetchPagesByParent, ListQuery } from "./lists";
import { PageRequest } from "./page-args";
import { visibleRowsSql } from "./scope";

/** A row keyed by its uuid. */
type Identified = ObjectLiteral & { id: string };

/** A template with what the rules need of it: its published MCIs and its default. */
export interface TemplateWithMcis {
  template: ServerTemplate;
  facts: TemplateFacts;
  memberships: ServerTemplateMultiCloudImage[];
}

/** A template with its memberships (in publishing order), and the facts the rules read off them. */
export function templateWithMcis(template: ServerTemplate, memberships: ServerTemplateMultiCloudImage[]): TemplateWithMcis {
  return {
    template,
    memberships,
    facts: {
      id: template.id,
      name: template.name,
      multiCloudImageIds: memberships.map((m) => m.multiCloudImageId),
      defaultMultiCloudImageId: memberships.find((m) => m.isDefault)?.multiCloudImageId ?? null,
    },
  };
}

/** Rows by key, in the order they came. */
export function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** The rows of each key asked for, in the order asked (a DataLoader's answer); none for a key with no rows. */
function groupByKeys<T>(rows: T[], keyOf: (row: T) => string, keys: readonly string[]): T[][] {
  const groups = groupBy(rows, keyOf);
  return keys.map((key) => groups.get(key) ?? []);
}

/**
 * Per-request batching and caching of every read: whatever the size of a list, each kind of row is fetched
 * with one statement per level of the query. Created fresh for each request, so nothing outlives it.
 */
export class Loaders {
  private readonly byIdLoaders = new Map<Function, DataLoader<string, unknown>>();
  private readonly pageLoaders = new Map<string, DataLoader<string, Page<unknown>>>();

  constructor(
    readonly db: Db,
    readonly accountId: string,
  ) {}

  /** Rows of one entity by id, as this account may see them (null when absent or not visible). */
  byId<T extends Identified>(entity: ClassType<T>): DataLoader<string, T | null> {
    let loader = this.byIdLoaders.get(entity);
    if (!loader) {
      loader = new DataLoader<string, T | null>(async (ids) => {
        const qb = this.db
          .getRepository(entity)
          .createQueryBuilder("t")
          .where("t.id = ANY(:ids)", { ids: [...ids] })
          .setParameter("accountId", this.accountId);
        const scope = visibleRowsSql(entity, "t");
        if (scope) qb.andWhere(scope);
        const rows = await qb.getMany();
        const found = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => found.get(id) ?? null);
      });
      this.byIdLoaders.set(entity, loader);
    }
    return loader as DataLoader<string, T | null>;
  }

  /** Loads one row the rules depend on; its absence is a broken invariant, not a user error. */
  async require<T extends Identified>(entity: ClassType<T>, id: string): Promise<T> {
    const row = await this.byId(entity).load(id);
    if (!row) throw new Error(`${entity.name} ${id} is referenced but not visible`);
    return row;
  }

  /** Loads rows by id, keeping the ones visible to this account, in the order asked. */
  async many<T extends Identified>(entity: ClassType<T>, ids: readonly string[]): Promise<T[]> {
    const rows = await this.byId(entity).loadMany(ids);
    const failed = rows.find((row): row is Error => row instanceof Error);
    if (failed) throw failed;
    return rows.filter((row): row is T => row !== null);
  }

  /** The settings of MCIs, by MCI id. */
  readonly settingsByMultiCloudImage = new DataLoader<string, MultiCloudImageSetting[]>(async (ids) => {
    const rows = await this.db
      .getRepository(MultiCloudImageSetting)
      .createQueryBuilder("s")
      .where("s.multi_cloud_image_id = ANY(:ids)", { ids: [...ids] })
      .orderBy("s.multi_cloud_image_id")
      .addOrderBy("s.cloud_id")
      .getMany();
    return groupByKeys(rows, (row) => row.multiCloudImageId, ids);
  });

  /**
   * Templates as stored, with their published MCIs (in publishing order) and default: one statement, the
   * memberships aggregated beside each template row. Also fills the ServerTemplate loader.
   */
  readonly storedTemplates = new DataLoader<string, TemplateWithMcis | null>(async (ids) => {
    const qb = this.db
      .getRepository(ServerTemplate)
      .createQueryBuilder("t")
      .addSelect(
        `(SELECT json_agg(to_jsonb(m) ORDER BY m.position, m.multi_cloud_image_id)
            FROM server_template_multi_cloud_image m WHERE m.server_template_id = t.id)`,
        "t_memberships",
      )
      .where("t.id = ANY(:ids)", { ids: [...ids] })
      .setParameter("accountId", this.accountId);
    const scope = visibleRowsSql(ServerTemplate, "t");
    if (scope) qb.andWhere(scope);
    const { entities, raw } = await qb.getRawAndEntities();
    const membershipsOf = new Map<string, ServerTemplateMultiCloudImage[]>(
      raw.map((row) => [row.t_id, entitiesFromJson(this.db, ServerTemplateMultiCloudImage, row.t_memberships)]),
    );
    const found = new Map(entities.map((template) => [template.id, template]));
    return ids.map((id) => {
      const template = found.get(id);
      if (!template) return null;
      this.byId(ServerTemplate).prime(id, template);
      return templateWithMcis(template, membershipsOf.get(id) ?? []);
    });
  });

  /** Templates as the rules see them: as stored, unless a what-if (withTemplates) adjusts them. */
  readonly templates: DataLoader<string, TemplateWithMcis | null> = this.storedTemplates;

  /** Which of this account's templates are published with each MCI (and whether as default), by MCI id. */
  readonly membershipsByMultiCloudImage = new DataLoader<string, ServerTemplateMultiCloudImage[]>(async (ids) => {
    const rows = await this.db
      .getRepository(ServerTemplateMultiCloudImage)
      .createQueryBuilder("m")
      .where("m.multi_cloud_image_id = ANY(:ids)", { ids: [...ids] })
      .andWhere("m.server_template_id IN (SELECT id FROM server_template WHERE account_id = :accountId)", {
        accountId: this.accountId,
      })
      .orderBy("m.server_template_id")
      .getMany();
    return groupByKeys(rows, (row) => row.multiCloudImageId, ids);
  });

  /**
   * How many live instances of each array run each image: enough to count drift without loading every
   * instance (an array may run thousands, all alike).
   */
  readonly liveImagesByArray = new DataLoader<string, { imageId: string; count: number }[]>(async (ids) => {
    const rows: { server_array_id: string; image_id: string; count: string }[] = await this.db.query(
      `SELECT server_array_id, image_id, count(*) AS count FROM instance
        WHERE server_array_id = ANY($1) AND state <> 'TERMINATED' GROUP BY server_array_id, image_id`,
      [[...ids]],
    );
    const grouped = groupByKeys(rows, (row) => row.server_array_id, ids);
    return grouped.map((group) => group.map((row) => ({ imageId: row.image_id, count: Number(row.count) })));
  });

  /**
   * A server's current instance: the one that is not terminated (the database allows at most one). Its image
   * comes along in the same statement and fills the Image loader: what runs is shown by its image, and drift
   * is decided by it, so asking for one without the other is rare.
   */
  readonly currentInstanceByServer = new DataLoader<string, Instance | null>(async (ids) => {
    const { entities, raw } = await this.db
      .getRepository(Instance)
      .createQueryBuilder("i")
      .addSelect(
        `(SELECT to_jsonb(image) FROM image WHERE image.id = i.image_id AND ${visibleRowsSql(Image, "image")})`,
        "i_image",
      )
      .where("i.server_id = ANY(:ids)", { ids: [...ids] })
      .andWhere("i.state <> :terminated", { terminated: InstanceState.TERMINATED })
      .setParameter("accountId", this.accountId)
      .getRawAndEntities();
    const images = this.byId(Image);
    for (const image of entitiesFromJson(this.db, Image, raw.map((row) => row.i_image).filter(Boolean))) {
      images.prime(image.id, image);
    }
    const found = new Map(entities.map((row) => [row.serverId, row]));
    return ids.map((id) => found.get(id) ?? null);
  });

  private readonly groupLoaders = new Map<string, DataLoader<string, unknown[]>>();
  private readonly viewLoaders = new Map<string, DataLoader<unknown, unknown>>();

  /**
   * Every row of `entity` (as this account sees it) whose `column` is one of the keys, grouped by key, in
   * name-then-id order when the entity has names, else by id: for views that need all children of
   * their parents (the servers of 50 deployments) in one statement. `where` narrows further (SQL over `t`).
   */
  rowsBy<T extends Identified>(
    entity: ClassType<T>,
    column: string,
    read: (row: T) => string | null,
    where?: string,
  ): DataLoader<string, T[]> {
    const key = `${entity.name}:${column}:${where ?? ""}`;
    let loader = this.groupLoaders.get(key);
    if (!loader) {
      loader = new DataLoader<string, T[]>(async (ids) => {
        const qb = this.db
          .getRepository(entity)
          .createQueryBuilder("t")
          .where(`t.${column} = ANY(:ids)`, { ids: [...ids] })
          .setParameter("accountId", this.accountId);
        const scope = visibleRowsSql(entity, "t");
        if (scope) qb.andWhere(scope);
        if (where) qb.andWhere(where);
        const named = this.db.getRepository(entity).metadata.findColumnWithPropertyName("name");
        if (named) qb.orderBy("t.name");
        const rows = await qb.addOrderBy("t.id").getMany();
        return groupByKeys(rows, (row) => read(row) ?? "", ids);
      });
      this.groupLoaders.set(key, loader as DataLoader<string, unknown[]>);
    }
    return loader as DataLoader<string, T[]>;
  }

  /**
   * A per-request loader that a view defines (say a deployment's image summary), created on first use: the
   * same request asking the view of 50 parents runs `batch` once for all of them.
   */
  view<K, V>(name: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    let loader = this.viewLoaders.get(name);
    if (!loader) {
      loader = new DataLoader<K, V>(batch) as DataLoader<unknown, unknown>;
      this.viewLoaders.set(name, loader);
    }
    return loader as DataLoader<K, V>;
  }

  /**
   * The same loaders, sharing every cache, but seeing each template through `adjust`: for a what-if
   * resolution ("if this MCI were the default") that runs the real rules on changed facts and writes nothing.
   */
  withTemplates(adjust: (template: TemplateWithMcis) => TemplateWithMcis): Loaders {
    const real = this.templates;
    const adjusted = new DataLoader<string, TemplateWithMcis | null>(async (ids) =>
      (await real.loadMany(ids)).map((found) => (found === null || found instanceof Error ? found : adjust(found))),
    );
    return Object.create(this, { templates: { value: adjusted } }) as Loaders;
  }

  /** A page of a child list for a parent, batched with the same page of every sibling parent. */
  pageByParent<T extends ObjectLiteral>(
    list: ListQuery<T> & { name: string },
    page: PageRequest,
    parent: { column: string; read: (row: T) => string | null },
    parentId: string,
  ): Promise<Page<T>> {
    const key = `${list.name}:${parent.column}:${page.first}:${JSON.stringify(page.after)}`;
    let loader = this.pageLoaders.get(key);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const pages = await fetchPagesByParent(this.db, this.accountId, list, page, { ...parent, ids });
        return ids.map((id) => pages.get(id) as Page<unknown>);
      });
      this.pageLoaders.set(key, loader);
    }
    return loader.load(parentId) as Promise<Page<T>>;
  }
}
