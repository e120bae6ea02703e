import { ObjectType } from "type-graphql";
import { Entity } from "typeorm";
import { Node } from "../graphql/node";
import { LaunchableKind } from "../domain";
import { Launchable } from "./launchable";

@ObjectType({
  implements: [Node, Launchable],
  description:
    "One machine in a deployment: a ServerTemplate, a cloud and its next launch settings. Once launched it has a current instance.",
})
@Entity("server")
export class Server extends Launchable {
  get kind(): LaunchableKind {
    return "SERVER";
  }
}
