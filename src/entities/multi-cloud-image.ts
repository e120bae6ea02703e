import { Field, Int, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from "typeorm";
import { Node } from "../graphql/node";

@ObjectType({
  implements: Node,
  description: "A MultiCloud Image (MCI): for each cloud it supports, the image and default instance type to launch with.",
})
@Entity("multi_cloud_image")
export class MultiCloudImage extends Node {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("uuid", { name: "account_id" })
  accountId: string;

  @Field(() => String, { description: "Display name, unique within the account." })
  @Column("varchar", { length: 200 })
  name: string;

  @Field(() => String, { description: "Free text about the MCI." })
  @Column("text", { default: "" })
  description: string;

  @Field(() => Date, { description: "When the MCI was created." })
  @CreateDateColumn({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: "When the MCI itself last changed." })
  @UpdateDateColumn({ name: "updated_at", type: "timestamptz", precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: "Increases with every change; pass it as expectedVersion to update safely." })
  @VersionColumn({ type: "int" })
  version: number;
}
