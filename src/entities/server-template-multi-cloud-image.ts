import { Column, Entity, PrimaryColumn } from "typeorm";

/** A template's published MCI. The database keeps at most one default per template. */
@Entity("server_template_multi_cloud_image")
export class ServerTemplateMultiCloudImage {
  @PrimaryColumn("uuid", { name: "server_template_id" })
  serverTemplateId: string;

  @PrimaryColumn("uuid", { name: "multi_cloud_image_id" })
  multiCloudImageId: string;

  @Column("boolean", { name: "is_default", default: false })
  isDefault: boolean;

  @Column("int", { default: 0 })
  position: number;
}
