import { Field, Int, InterfaceType } from "type-graphql";
import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from "typeorm";
import { Node } from "../graphql/node";
import { LaunchableKind } from "../domain";

/**
 * What a Server and a ServerArray share: a template, a cloud, and the next-launch overrides (null = inherit).
 * The rules read these through `LaunchSettingsFacts`; the resolution itself is never stored.
 */
@InterfaceType({
  implements: Node,
  description: "A Server or ServerArray: something launched from a ServerTemplate into a cloud by its next-launch settings.",
})
export abstract class Launchable extends Node {
  /** Which of the two it is, as the rules name it (not a column). */
  abstract get kind(): LaunchableKind;

  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("uuid", { name: "account_id" })
  accountId: string;

  @Column("uuid", { name: "deployment_id" })
  deploymentId: string;

  @Column("uuid", { name: "server_template_id" })
  serverTemplateId: string;

  @Column("uuid", { name: "cloud_id" })
  cloudId: string;

  @Column("uuid", { name: "multi_cloud_image_id", nullable: true })
  multiCloudImageId: string | null;

  @Column("uuid", { name: "image_id", nullable: true })
  imageId: string | null;

  @Column("uuid", { name: "instance_type_id", nullable: true })
  instanceTypeId: string | null;

  @Field(() => String, { description: "Display name, unique within the deployment." })
  @Column("varchar", { length: 200 })
  name: string;

  @Field(() => Date, { description: "When it was created." })
  @CreateDateColumn({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: "When its own settings last changed." })
  @UpdateDateColumn({ name: "updated_at", type: "timestamptz", precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: "Increases with every change; pass it as expectedVersion to update safely." })
  @VersionColumn({ type: "int" })
  version: number;
}
