import { ClassType, Field, ObjectType } from "type-graphql";

@ObjectType({ description: "Where a page of a connection stands." })
export class PageInfo {
  @Field(() => Boolean, { description: "Whether more items follow this page." })
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: "Pass as `after` to get the next page; null on an empty page." })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A page as resolvers return it; the GraphQL types below expose it. */
export interface Page<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
}

const connectionTypes = new Map<string, ClassType>();

/** The Relay connection type of a node type: `<Type>Connection` with `<Type>Edge`s. */
export function connectionOf<T extends object>(node: ClassType<T>): ClassType<Page<T>> {
  const name = node.name;
  const known = connectionTypes.get(name);
  if (known) return known as ClassType<Page<T>>;

  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class EdgeType {
    @Field(() => String, { description: "Pass as `after` to continue after this item." })
    cursor: string;

    @Field(() => node, { description: `The ${name}.` })
    node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
  class ConnectionType {
    @Field(() => [EdgeType], { description: "The items of this page, each with its cursor." })
    edges: EdgeType[];

    @Field(() => [node], { description: "The items of this page, without cursors." })
    nodes: T[];

    @Field(() => PageInfo, { description: "Whether there is a next page, and how to ask for it." })
    pageInfo: PageInfo;
  }

  connectionTypes.set(name, ConnectionType);
  return ConnectionType as ClassType<Page<T>>;
}
