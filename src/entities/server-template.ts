import { Field, Int, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from "typeorm";
import { Node } from "../graphql/node";

@ObjectType({
  implements: Node,
  description: "What a server runs. Published with one or more MultiCloud Images, exactly one of them the default.",
})
@Entity("server_template")
export class ServerTemplate extends Node {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("uuid", { name: "account_id" })
  accountId: string;

  @Field(() => String, { description: "Display name, unique within the account." })
  @Column("varchar", { length: 200 })
  name: string;

  @Field(() => String, { description: "Free text about the template." })
  @Column("text", { default: "" })
  description: string;

  @Field(() => Date, { description: "When the template was created." })
  @CreateDateColumn({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt: Date;

  @Field(() => Date, { description: "When the template itself last changed." })
  @UpdateDateColumn({ name: "updated_at", type: "timestamptz", precision: 3 })
  updatedAt: Date;

  @Field(() => Int, { description: "Increases with every change; pass it as expectedVersion to update safely." })
  @VersionColumn({ type: "int" })
  version: number;
}
