import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/** The tenant: owns deployments, templates, MCIs and private images. Not exposed as a GraphQL type yet. */
@Entity("account")
export class Account {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column("varchar", { length: 200, unique: true })
  name: string;

  @CreateDateColumn({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt: Date;
}
