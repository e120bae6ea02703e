import { it } from "vitest";
import { startTestApi } from "../support/test-api";
it("probe", async () => {
  const api = await startTestApi();
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  console.log(JSON.stringify(await api.graphql(`query($a:String){ servers(after:$a){ nodes { id } } }`, { a: enc(["web-1", "not-a-uuid"]) }), null, 1).slice(0, 1500));
  const p = await startTestApi({ production: true });
  console.log(JSON.stringify(await p.graphql(`query($a:String){ servers(after:$a){ nodes { id } } }`, { a: enc(["web-1", "not-a-uuid"]) })));
  console.log(JSON.stringify(await p.graphql(`query($a:String){ serverArrays { nodes { instances(after:$a){ nodes { id } } } } }`, { a: enc(["yesterday", "00000000-0000-4000-8000-000000000001"]) })));
  await api.close(); await p.close();
});
