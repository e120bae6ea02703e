import { createHash } from "node:crypto";
import path from "node:path";
import { NextFunction, Request, Response, Router } from "express";
import { untracked } from "./logging";

/**
 * The GraphQL IDE at GET /graphql for browsers: GraphiQL, served from the installed npm packages (no CDN), so
 * it works without internet access. React and GraphiQL ship UMD builds, loaded as plain <script>s.
 */

/** Where the page loads its scripts and styles from. */
export const PLAYGROUND_ASSETS_PATH = "/graphql-ide";

function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** The only files served under PLAYGROUND_ASSETS_PATH: name in the URL -> file in node_modules. */
const ASSETS: Record<string, string> = {
  "react.production.min.js": packageFile("react", "umd/react.production.min.js"),
  "react-dom.production.min.js": packageFile("react-dom", "umd/react-dom.production.min.js"),
  "graphiql.min.js": packageFile("graphiql", "graphiql.min.js"),
  "graphiql.min.css": packageFile("graphiql", "graphiql.min.css"),
};

/** Serves the IDE's scripts and styles; nothing else of node_modules is reachable. */
export function playgroundAssets(): Router {
  const router = Router();
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`/${name}`, (_req, res) => {
      res.sendFile(file, { maxAge: "1d" });
    });
  }
  return router;
}

/** One preloaded GraphiQL tab. */
export interface ExampleTab {
  query: string;
  variables?: string;
}

const SERVERS = `# Every server: its next launch,
# what runs now, and whether they differ.
#
# 1. Paste an API token in Headers:
#    {"Authorization": "Bearer <token>"}
#    (npm start prints the demo's; more
#    with npm run token). It applies to
#    every tab; the Docs load with it.
# 2. Run: Ctrl-Enter or the ▶ button.
query Servers {
  deployments {
    nodes {
      name
      servers(first: 50) {
        nodes {
          id
          name
          imageSource
          effectiveImage { resourceUid cpuArchitecture }
          effectiveInstanceType { name }
          currentInstance { name state imageSource image { resourceUid } }
          imageDrift
        }
      }
    }
  }
}
`;

const SERVER_RESOLUTION = `# Why a server launches with what it
# does, level by level, and what stops
# it. The demo's batch-1 has an instance
# type that cannot run its image; put
# another server's name in Variables.
query ServerResolution($name: String!) {
  servers(first: 1, filter: { nameContains: $name }) {
    nodes {
      name
      imageResolution {
        image { resourceUid cpuArchitecture }
        instanceType { name }
        multiCloudImage { name }
        imageSource
        tested
        launchable
        problems { code severity message }
        steps {
          level
          multiCloudImage { name }
          image { resourceUid }
          instanceType { name }
          decidedMultiCloudImage
          decidedImage
          decidedInstanceType
          summary
        }
      }
    }
  }
}
`;

const TEMPLATES = `# Each template's MCIs with their
# settings per cloud, and the arrays
# whose running instances no longer
# match their next launch.
query Templates {
  serverTemplates {
    nodes {
      name
      defaultMultiCloudImage { name }
      multiCloudImages {
        name
        supportedClouds { name }
        settings {
          cloud { name }
          image { resourceUid cpuArchitecture }
          instanceType { name }
        }
      }
    }
  }
  serverArrays {
    nodes {
      name
      imageSource
      effectiveImage { resourceUid }
      instances(first: 20, running: true) {
        nodes { name image { resourceUid } matchesNextLaunch }
      }
    }
  }
}
`;

/** The preloaded tabs; the resolution example asks for the demo's batch-1 by name. */
export function exampleTabs(): ExampleTab[] {
  return [
    { query: SERVERS },
    { query: SERVER_RESOLUTION, variables: JSON.stringify({ name: "batch-1" }, null, 2) },
    { query: TEMPLATES },
  ];
}

/**
 * Starts GraphiQL against the page's own URL; its settings come from the JSON block beside it.
 *
 * GraphiQL keeps headers per tab, and the API wants a token even to introspect. So the last non-empty headers
 * typed in any tab become the fetcher's own headers, sent from every tab (a tab's own headers win) and used to
 * read the schema again: paste a token once and the docs appear and every example runs. A tab with empty
 * headers changes nothing; to drop the token, edit it (or reload the page: headers are never stored).
 */
const BOOT_SCRIPT = `
const settings = JSON.parse(document.getElementById("graphiql-settings").textContent);
const url = window.location.pathname;
function Playground() {
  const [fetcher, setFetcher] = React.useState(() => GraphiQL.createFetcher({ url }));
  const shared = React.useRef("{}");
  const timer = React.useRef(undefined);
  const onEditHeaders = (text) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      let headers;
      try { headers = JSON.parse(text); } catch { return; }
      if (!headers || typeof headers !== "object" || Array.isArray(headers) || !Object.keys(headers).length) return;
      if (JSON.stringify(headers) === shared.current) return;
      shared.current = JSON.stringify(headers);
      setFetcher(() => GraphiQL.createFetcher({ url, headers }));
    }, 300);
  };
  return React.createElement(GraphiQL, {
    fetcher,
    onEditHeaders,
    defaultTabs: settings.tabs,
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    visiblePlugin: "Documentation Explorer",
  });
}
ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Playground));
`;

/** Only the boot script runs inline, and the page may talk to its own origin only. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${createHash("sha256").update(BOOT_SCRIPT).digest("base64")}'`,
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The IDE's page: no external URL anywhere, assets from PLAYGROUND_ASSETS_PATH on this server. */
export function playgroundHtml(): string {
  const assets = PLAYGROUND_ASSETS_PATH;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
  <title>Image Inheritance API — GraphiQL</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${assets}/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; }</style>
</head>
<body>
  <div id="graphiql">Loading the GraphQL IDE…</div>
  <script src="${assets}/react.production.min.js"></script>
  <script src="${assets}/react-dom.production.min.js"></script>
  <script src="${assets}/graphiql.min.js"></script>
  <script type="application/json" id="graphiql-settings">${scriptJson({ tabs: exampleTabs() })}</script>
  <script>${BOOT_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Whether a GET to /graphql is a browser asking for a page rather than a client running a query: it prefers
 * HTML and carries no query.
 */
export function wantsPlayground(req: Request): boolean {
  if (req.method !== "GET" || req.query.query !== undefined) return false;
  return req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";
}

/** GET /graphql from a browser: the IDE's page. Anything else goes on to the GraphQL endpoint. */
export function playground() {
  const html = playgroundHtml();
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!wantsPlayground(req)) return next();
    untracked(res);
    res.set("Cache-Control", "no-store").type("html").send(html);
  };
}
