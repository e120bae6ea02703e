import "reflect-metadata";
import { GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchemaSync } from "type-graphql";
import "./enums";
import { resolvers } from "./resolvers";

let schema: GraphQLSchema | undefined;

/** The executable schema, built once from the decorated classes. */
export function getSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({
    resolvers: [...resolvers] as unknown as [Function, ...Function[]],
    validate: false,
    emitSchemaFile: false,
  });
  return schema;
}

/** The SDL checked in as `schema.graphql`, sorted so that diffs show real changes only. */
export function printSchemaSdl(): string {
  return printSchema(lexicographicSortSchema(getSchema())) + "\n";
}
