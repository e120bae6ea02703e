import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The whole data model. The database holds every invariant it can express, so a bug in the application
 * cannot break them: one setting per MCI and cloud, a setting's image and instance type in the setting's
 * cloud, exactly one default MCI per template that has any, at most one live instance per server.
 */
export class InitialSchema1764780000000 implements MigrationInterface {
  name = "InitialSchema1764780000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE cpu_architecture AS ENUM ('I386', 'X86_64', 'ARM64')`);
    await q.query(`CREATE TYPE image_visibility AS ENUM ('PUBLIC', 'PRIVATE')`);
    await q.query(
      `CREATE TYPE image_source AS ENUM ('SERVER_TEMPLATE_DEFAULT_MCI', 'SERVER_MCI', 'SERVER_ARRAY_MCI', 'SERVER_IMAGE', 'SERVER_ARRAY_IMAGE')`,
    );
    await q.query(`CREATE TYPE instance_state AS ENUM ('PENDING', 'OPERATIONAL', 'TERMINATING', 'TERMINATED')`);
    await q.query(`CREATE TYPE server_array_state AS ENUM ('ENABLED', 'DISABLED')`);

    await q.query(`
      CREATE TABLE account (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL UNIQUE,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE cloud (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL UNIQUE,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE image (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cloud_id uuid NOT NULL REFERENCES cloud(id),
        account_id uuid REFERENCES account(id),
        resource_uid varchar(200) NOT NULL,
        name varchar(200) NOT NULL,
        cpu_architecture cpu_architecture NOT NULL,
        visibility image_visibility NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        UNIQUE (cloud_id, resource_uid),
        UNIQUE (id, cloud_id),
        CONSTRAINT image_private_has_owner CHECK ((visibility = 'PRIVATE') = (account_id IS NOT NULL))
      )`);

    await q.query(`
      CREATE TABLE instance_type (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cloud_id uuid NOT NULL REFERENCES cloud(id),
        name varchar(200) NOT NULL,
        cpu_architectures cpu_architecture[] NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (cloud_id, name),
        UNIQUE (id, cloud_id),
        CONSTRAINT instance_type_runs_something CHECK (cardinality(cpu_architectures) > 0)
      )`);

    await q.query(`
      CREATE TABLE multi_cloud_image (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES account(id),
        name varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        UNIQUE (account_id, name)
      )`);

    await q.query(`
      CREATE TABLE multi_cloud_image_setting (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        multi_cloud_image_id uuid NOT NULL REFERENCES multi_cloud_image(id) ON DELETE CASCADE,
        cloud_id uuid NOT NULL REFERENCES cloud(id),
        image_id uuid NOT NULL,
        instance_type_id uuid NOT NULL,
        UNIQUE (multi_cloud_image_id, cloud_id),
        FOREIGN KEY (image_id, cloud_id) REFERENCES image(id, cloud_id),
        FOREIGN KEY (instance_type_id, cloud_id) REFERENCES instance_type(id, cloud_id)
      )`);
    await q.query(`CREATE INDEX multi_cloud_image_setting_image ON multi_cloud_image_setting(image_id)`);

    await q.query(`
      CREATE TABLE server_template (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES account(id),
        name varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        UNIQUE (account_id, name)
      )`);

    await q.query(`
      CREATE TABLE server_template_multi_cloud_image (
        server_template_id uuid NOT NULL REFERENCES server_template(id) ON DELETE CASCADE,
        multi_cloud_image_id uuid NOT NULL REFERENCES multi_cloud_image(id),
        is_default boolean NOT NULL DEFAULT false,
        position int NOT NULL DEFAULT 0,
        PRIMARY KEY (server_template_id, multi_cloud_image_id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX server_template_one_default ON server_template_multi_cloud_image(server_template_id) WHERE is_default`,
    );
    await q.query(
      `CREATE INDEX server_template_multi_cloud_image_mci ON server_template_multi_cloud_image(multi_cloud_image_id)`,
    );
    // "Exactly one default while it has any": the unique index above gives "at most one"; this deferred
    // check gives "at least one" at commit, so a transaction may move the default in two steps.
    await q.query(`
      CREATE FUNCTION server_template_keeps_a_default() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        template_id uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.server_template_id ELSE NEW.server_template_id END;
      BEGIN
        IF EXISTS (SELECT 1 FROM server_template_multi_cloud_image WHERE server_template_id = template_id)
           AND NOT EXISTS (SELECT 1 FROM server_template_multi_cloud_image
                           WHERE server_template_id = template_id AND is_default) THEN
          RAISE EXCEPTION 'server template % has MultiCloud Images but no default', template_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'server_template_keeps_a_default';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER server_template_keeps_a_default
        AFTER INSERT OR UPDATE OR DELETE ON server_template_multi_cloud_image
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION server_template_keeps_a_default()`);

    await q.query(`
      CREATE TABLE deployment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES account(id),
        name varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        UNIQUE (account_id, name)
      )`);

    for (const table of ["server", "server_array"]) {
      const arrayColumns =
        table === "server_array"
          ? `min_count int NOT NULL,
             max_count int NOT NULL,
             state server_array_state NOT NULL DEFAULT 'ENABLED',
             CONSTRAINT server_array_counts CHECK (min_count >= 0 AND max_count >= min_count AND max_count >= 1),`
          : "";
      await q.query(`
        CREATE TABLE ${table} (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          account_id uuid NOT NULL REFERENCES account(id),
          deployment_id uuid NOT NULL REFERENCES deployment(id) ON DELETE CASCADE,
          server_template_id uuid NOT NULL REFERENCES server_template(id),
          cloud_id uuid NOT NULL REFERENCES cloud(id),
          multi_cloud_image_id uuid REFERENCES multi_cloud_image(id),
          image_id uuid REFERENCES image(id),
          instance_type_id uuid REFERENCES instance_type(id),
          name varchar(200) NOT NULL,
          created_at timestamptz(3) NOT NULL DEFAULT now(),
          updated_at timestamptz(3) NOT NULL DEFAULT now(),
          version int NOT NULL DEFAULT 1,
          ${arrayColumns}
          UNIQUE (deployment_id, name)
        )`);
      await q.query(`CREATE INDEX ${table}_account_name ON ${table}(account_id, name, id)`);
      for (const column of ["server_template_id", "multi_cloud_image_id", "image_id"]) {
        await q.query(`CREATE INDEX ${table}_${column} ON ${table}(${column})`);
      }
    }

    await q.query(`
      CREATE TABLE instance (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES account(id),
        server_id uuid REFERENCES server(id) ON DELETE CASCADE,
        server_array_id uuid REFERENCES server_array(id) ON DELETE CASCADE,
        cloud_id uuid NOT NULL REFERENCES cloud(id),
        server_template_id uuid NOT NULL REFERENCES server_template(id),
        multi_cloud_image_id uuid NOT NULL REFERENCES multi_cloud_image(id),
        image_id uuid NOT NULL REFERENCES image(id),
        instance_type_id uuid NOT NULL REFERENCES instance_type(id),
        name varchar(200) NOT NULL,
        image_source image_source NOT NULL,
        state instance_state NOT NULL,
        resource_uid varchar(200) NOT NULL,
        launched_at timestamptz(3) NOT NULL DEFAULT now(),
        terminated_at timestamptz(3),
        version int NOT NULL DEFAULT 1,
        CONSTRAINT instance_has_one_parent CHECK (num_nonnulls(server_id, server_array_id) = 1),
        CONSTRAINT instance_terminated_at CHECK ((state = 'TERMINATED') = (terminated_at IS NOT NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX instance_one_live_per_server ON instance(server_id) WHERE server_id IS NOT NULL AND state <> 'TERMINATED'`,
    );
    await q.query(`CREATE INDEX instance_server_history ON instance(server_id, launched_at DESC, id DESC)`);
    await q.query(`CREATE INDEX instance_server_array ON instance(server_array_id, launched_at DESC, id DESC)`);
    await q.query(`CREATE INDEX instance_image ON instance(image_id)`);
    await q.query(`CREATE INDEX instance_account ON instance(account_id, launched_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      "instance",
      "server_array",
      "server",
      "deployment",
      "server_template_multi_cloud_image",
      "server_template",
      "multi_cloud_image_setting",
      "multi_cloud_image",
      "instance_type",
      "image",
      "cloud",
      "account",
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP FUNCTION server_template_keeps_a_default()`);
    for (const type of ["server_array_state", "instance_state", "image_source", "image_visibility", "cpu_architecture"]) {
      await q.query(`DROP TYPE ${type}`);
    }
  }
}
