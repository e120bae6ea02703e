import { ApolloServerPlugin } from "@apollo/server";
import { FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode } from "graphql";
import { Context } from "../graphql/context";
import { MUTATION_ROLES, Role } from "./roles";
import { hasRole } from "./viewer";

export function forbidden(role: Role, what: string): GraphQLError {
  return new GraphQLError(`${what} needs the ${role} role, which your API token's user does not have.`, {
    extensions: { code: "FORBIDDEN", requiredRole: role, http: { status: 403 } },
  });
}

/** The root fields an operation selects, through inline fragments and fragment spreads. */
function rootFields(selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, fragments, seen);
    const name = selection.name.value;
    if (seen.has(name) || !fragments[name]) return [];
    seen.add(name);
    return rootFields(fragments[name].selectionSet, fragments, seen);
  });
}

/**
 * Checks, before anything executes, that the caller has the role of every mutation in the operation
 * (MUTATION_ROLES). A mutation missing from that table is refused to everyone: forgetting one fails closed.
 * Reads need only a valid token.
 */
export function authorizationPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation?.operation !== "mutation") return;
          const fragments = Object.fromEntries(
            document.definitions
              .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
              .map((d) => [d.name.value, d]),
          );
          for (const field of rootFields(operation.selectionSet, fragments)) {
            if (field === "__typename") continue;
            const role = MUTATION_ROLES[field] ?? Role.ADMIN;
            if (!MUTATION_ROLES[field] || !hasRole(contextValue.viewer, role)) throw forbidden(role, field);
          }
        },
      };
    },
  };
}
