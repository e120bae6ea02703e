import { Field, ID, InterfaceType } from "type-graphql";

const SEPARATOR = ":";

/** Opaque Relay global id: the GraphQL type name and the row id, base64url-encoded. */
export function toGlobalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}${SEPARATOR}${id}`, "utf8").toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The type name and row id of a global id, or null when it is not one of ours. */
export function fromGlobalId(globalId: string): { typeName: string; id: string } | null {
  if (globalId.length > 200) return null;
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const at = decoded.indexOf(SEPARATOR);
  if (at <= 0) return null;
  const typeName = decoded.slice(0, at);
  const id = decoded.slice(at + 1);
  return UUID.test(id) ? { typeName, id: id.toLowerCase() } : null;
}

/** Every object with an identity: refetchable with `node(id:)`. */
@InterfaceType({ description: "An object with a global id, refetchable with `node(id:)`." })
export abstract class Node {
  /** The row's own id; the API shows only the global id below. */
  id: string;

  @Field(() => ID, { name: "id", description: "Opaque global id of this object." })
  get globalId(): string {
    return toGlobalId(this.constructor.name, this.id);
  }
}
