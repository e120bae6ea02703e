import { Field, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "../graphql/node";

@ObjectType({ implements: Node, description: "A cloud or region you can launch into, such as AWS us-east-1." })
@Entity("cloud")
export class Cloud extends Node {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Field(() => String, { description: "Display name, unique across the platform." })
  @Column("varchar", { length: 200, unique: true })
  name: string;

  @Field(() => Date, { description: "When the cloud was registered." })
  @CreateDateColumn({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt: Date;
}
