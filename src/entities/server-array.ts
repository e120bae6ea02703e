import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity } from "typeorm";
import { ServerArrayState } from "./states";
import { Node } from "../graphql/node";
import { LaunchableKind } from "../domain";
import { Launchable } from "./launchable";

@ObjectType({
  implements: [Node, Launchable],
  description:
    "A scalable group of identical instances in a deployment. Its settings only control instances launched from now on.",
})
@Entity("server_array")
export class ServerArray extends Launchable {
  get kind(): LaunchableKind {
    return "SERVER_ARRAY";
  }

  @Field(() => Int, { description: "The fewest instances the array keeps running while enabled." })
  @Column("int", { name: "min_count" })
  minCount: number;

  @Field(() => Int, { description: "The most instances the array may run at once." })
  @Column("int", { name: "max_count" })
  maxCount: number;

  @Field(() => ServerArrayState, { description: "Whether the array may launch new instances." })
  @Column({ type: "enum", enum: ServerArrayState, enumName: "server_array_state", default: ServerArrayState.ENABLED })
  state: ServerArrayState;
}
