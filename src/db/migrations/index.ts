import { InitialSchema1764780000000 } from "./1764780000000-initial-schema";
import { IdempotencyKeys1764790000000 } from "./1764790000000-idempotency-keys";
import { UsersAndTokens1764800000000 } from "./1764800000000-users-and-tokens";
import { ArrayCapacity1764810000000 } from "./1764810000000-array-capacity";

/** Every migration in order. Passed as classes: TypeORM's glob loading cannot read TypeScript under vitest. */
export const migrations = [InitialSchema1764780000000, IdempotencyKeys1764790000000, UsersAndTokens1764800000000, ArrayCapacity1764810000000];
