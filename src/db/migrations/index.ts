import { InitialSchema1764780000000 } from "./1764780000000-initial-schema";

/** Every migration in order. Passed as classes: TypeORM's glob loading cannot read TypeScript under vitest. */
export const migrations = [InitialSchema1764780000000];
